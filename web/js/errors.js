// Server errors in words a volunteer understands: what happened and what to
// do next, from the catalogue by error code (error.CODE, error.CODE.next),
// else by HTTP status, else the server's own (English) message.
import { t, has } from './i18n.js';
import { h } from './dom.js';

/** The field a validation error is about: "phone: …" or 'field "name" is required'. */
export function errorField(err) {
  const m = err && err.serverMessage;
  if (!m) return null;
  let x = m.match(/^([a-z_]+): /);
  if (x) return x[1];
  x = m.match(/^field "([a-z_]+)"/);
  return x ? x[1] : null;
}

// Server reasons (English, stable wording) → catalogue keys, with captured values.
const REASONS = [
  [/check digit/, 'reason.id_checksum'],
  [/must have 18 characters/, 'reason.id_length'],
  [/may contain only digits/, 'reason.id_chars'],
  [/not a province code/, 'reason.id_region'],
  [/birth date in the number/, 'reason.id_date'],
  [/ID number is empty|ID or document number is missing/, 'reason.id_empty'],
  [/not a mainland ID number/, 'reason.id_not_mainland'],
  [/document number has 5-30/, 'reason.doc_number'],
  [/is not a (mobile|phone) number/, 'reason.phone'],
  [/person's name is missing/, 'reason.name_required'],
  [/at most (?<n>\d+) characters/, 'reason.too_long'],
  [/registered in an area outside yours/, 'reason.outside_person'],
  [/a unit is given without its building/, 'reason.unit_without_building'],
  [/write \u662f or \u5426/, 'reason.party_yesno'],
  [/'(?<v>[^']*)' is not a known flag/, 'reason.flag_unknown'],
  [/each must be one of/, 'reason.flags'],
  [/is not known; use resident/, 'reason.category'],
  [/is not known; use id_card/, 'reason.id_type'],
  [/the row has (?<n>\d+) fields but the header has (?<m>\d+)/, 'reason.field_count'],
  [/same ID number as row (?<n>\d+) of this file: merged/, 'reason.dup_merged'],
  [/same ID number as row (?<n>\d+) of this file/, 'reason.dup_same'],
  [/already registered/, 'reason.person_exists'],
  [/is required/, 'reason.required'],
  [/is outside your area/, 'reason.outside_area'],
  [/does not exist/, 'reason.not_found'],
];

/** A reason text in the user's language, or the server's text when not known. */
export function reasonText(serverText) {
  const s = String(serverText || '').replace(/^[a-z_]+: /, '');
  for (const [re, key] of REASONS) {
    const m = s.match(re);
    if (m && has(key)) {
      const vars = {};
      for (const [k, v] of Object.entries(m.groups || {})) vars[k] = /^\d+$/.test(v) ? Number(v) : v;
      return t(key, vars);
    }
  }
  return s;
}

const CODE_REASON = {
  invalid_phone: 'reason.phone', name_required: 'reason.name_required', id_number_required: 'reason.id_empty',
  missing_field: 'reason.required', invalid_category: 'reason.category', invalid_id_type: 'reason.id_type',
};

/** The message to put next to a field for a validation error. */
export function fieldErrorText(err) {
  const specific = reasonText(err.serverMessage);
  if (specific !== err.serverMessage.replace(/^[a-z_]+: /, '')) return specific;
  if (CODE_REASON[err.code]) return t(CODE_REASON[err.code]);
  if (has(`error.${err.code}`)) return t(`error.${err.code}`);
  return specific;
}

export function describe(err) {
  const code = err && err.code ? err.code : 'unknown';
  const status = err && err.status != null ? err.status : 0;
  let what; let next;
  if (has(`error.${code}`)) {
    what = t(`error.${code}`);
    next = has(`error.${code}.next`) ? t(`error.${code}.next`) : '';
  } else {
    const s = has(`error.status.${status}`) ? status : (status >= 500 ? 500 : status >= 400 ? 400 : 0);
    what = t(`error.status.${s}`);
    next = has(`error.status.${s}.next`) ? t(`error.status.${s}.next`) : '';
  }
  if (err && err.retryAfter && (status === 503 || status === 429)) next = t('error.retry_after', { s: err.retryAfter });
  return { what, next, detail: err && err.serverMessage ? err.serverMessage : '', code };
}

/** An alert box for an error: what happened, what to do, and the technical detail folded away. */
export function errorBox(err, { id } = {}) {
  if (!(err && err.code)) {
    console.error(err);
    err = { code: 'client_error', status: 0, serverMessage: String(err && err.message ? err.message : err) };
  }
  const d = describe(err);
  return h('div', { class: 'alert alert-error', role: 'alert', id, dataset: { code: d.code } },
    h('p', { class: 'what', text: d.what }),
    d.next ? h('p', { class: 'next', text: d.next }) : null,
    d.detail ? h('details', null, h('summary', { i18n: 'error.details' }),
      h('p', { class: 'small', lang: 'en', text: d.detail }),
      h('p', { class: 'small muted', text: `${d.code}${err.status ? ` · HTTP ${err.status}` : ''}` })) : null);
}
