// The checkpoint officer's screen (kakou): checkpoints with their posts and hours,
// the risk-area list with its validity dates and its CSV import (each bad row named),
// the versions of the arrival decision rules, and the returnee register of a village
// with its export. Entries themselves are made on the phone view (/checkpoint/).
import { h, clear, replace, pageHead, table, loading, toast } from '../dom.js';
import { t, fmtTime, currentLang, TIME_ZONE } from '../i18n.js';
import { get, post, upload } from '../api.js';
import { errorBox } from '../errors.js';
import { state } from '../state.js';
import { badge, download } from '../round/common.js';

const DAY = 86400;
const DECISION_TONE = { pass: 'ok', home_monitoring: 'masked', home_isolation: 'fail', refer: 'fail' };

function day(epoch) {
  return new Intl.DateTimeFormat(currentLang(), { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date(epoch * 1000));
}

function field(id, key, input) { return h('div', { class: 'field' }, h('label', { for: id, i18n: key }), input); }

export function decisionBadge(d) { return badge(`cp.decision.${d}`, DECISION_TONE[d] || 'ok'); }

async function checkpointsCard(ctx) {
  const body = h('div', { 'aria-live': 'polite' });
  const name = h('input', { id: 'cp-name', name: 'name', maxlength: 100, autocomplete: 'off', required: true });
  const area = h('input', { id: 'cp-area', name: 'area', maxlength: 64, autocomplete: 'off', required: true, value: state.area?.code || '' });
  const posts = h('input', { id: 'cp-posts', name: 'posts', type: 'number', min: 1, max: 50, value: 1, inputmode: 'numeric' });
  const hours = h('input', { id: 'cp-hours', name: 'hours', maxlength: 11, autocomplete: 'off', value: '00:00-24:00' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: 'row-form', id: 'cp-form', novalidate: true },
    field('cp-name', 'cp.name', name), field('cp-area', 'cp.area', area), field('cp-posts', 'cp.posts', posts),
    field('cp-hours', 'cp.hours', hours), msg, h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'cp.add' }));
  const card = h('section', { class: 'card', id: 'cp-list', 'aria-labelledby': 'cp-list-h' },
    h('h2', { id: 'cp-list-h', i18n: 'cp.checkpoints' }), body, form);
  const load = async () => {
    const r = await get('/checkpoints', { limit: 500 }, { signal: ctx.signal });
    clear(body);
    body.append(r.items.length ? table([
      { key: 'cp.name', cell: (k) => h('strong', { text: k.name }) },
      { key: 'cp.area', cell: (k) => k.area },
      { key: 'cp.posts', cell: (k) => String(k.posts), num: true },
      { key: 'cp.hours', cell: (k) => k.hours },
    ], r.items, { caption: 'cp.checkpoints' }) : h('p', { class: 'empty', i18n: 'cp.no_checkpoints' }));
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    if (!name.value.trim() || !area.value.trim()) {
      msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'cp.name_area_needed' }));
      (name.value.trim() ? area : name).focus();
      return;
    }
    if (!/^\d\d:\d\d-\d\d:\d\d$/.test(hours.value.trim())) {
      msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'cp.hours_format' }));
      hours.focus();
      return;
    }
    try {
      await post('/checkpoints', { name: name.value.trim(), area: area.value.trim(), posts: Number(posts.value) || 1, hours: hours.value.trim() });
      toast('cp.added', { name: name.value.trim() });
      name.value = '';
      await load();
    } catch (err) { msg.append(errorBox(err)); }
  });
  await load();
  return card;
}

async function riskCard(ctx) {
  const body = h('div', { 'aria-live': 'polite' });
  const current = h('input', { type: 'checkbox', id: 'risk-current', name: 'current', checked: true });
  const file = h('input', { type: 'file', id: 'risk-file', name: 'file', accept: '.csv,text/csv' });
  const result = h('div', { id: 'risk-result', 'aria-live': 'polite' });
  const canImport = ['admin', 'officer'].includes(state.user?.role);
  const form = canImport ? h('form', { class: 'row-form', id: 'risk-form', novalidate: true },
    field('risk-file', 'cp.risk_file', file), h('button', { type: 'submit', class: 'btn', i18n: 'cp.risk_import' })) : null;
  const card = h('section', { class: 'card', id: 'risk-list', 'aria-labelledby': 'risk-h' },
    h('h2', { id: 'risk-h', i18n: 'cp.risk_areas' }), h('p', { class: 'hint', i18n: 'cp.risk_hint' }),
    h('div', { class: 'field check' }, current, h('label', { for: 'risk-current', i18n: 'cp.risk_current' })),
    body, form, result);
  const load = async () => {
    const r = await get('/risk-areas', { at: current.checked ? Math.floor(Date.now() / 1000) : null, limit: 500 }, { signal: ctx.signal });
    clear(body);
    body.append(r.items.length ? table([
      { key: 'cp.risk_name', cell: (a) => h('strong', { text: a.name }) },
      { key: 'cp.risk_level', cell: (a) => badge(`cp.level.${a.level}`, a.level === 'high' ? 'fail' : a.level === 'medium' ? 'masked' : 'ok') },
      { key: 'cp.valid_from', cell: (a) => day(a.valid_from) },
      // valid_to is exclusive (a date's list ends at the next midnight): show the last valid day
      { key: 'cp.valid_to', cell: (a) => day(a.valid_to - 1) },
    ], r.items, { caption: 'cp.risk_areas' }) : h('p', { class: 'empty', i18n: 'cp.no_risk_areas' }));
  };
  current.addEventListener('change', () => load().catch((e) => replace(body, errorBox(e))));
  form?.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(result);
    const f = file.files[0];
    if (!f) { result.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'cp.risk_pick_file' })); file.focus(); return; }
    try {
      const r = await upload('/risk-areas', null, f);
      result.append(h('p', { class: r.rejected_count ? 'alert alert-warn' : 'alert alert-ok', role: 'status', i18n: 'cp.risk_imported',
        vars: { stored: r.stored, rejected: r.rejected_count } }));
      if (r.rejected.length) {
        result.append(table([
          { key: 'cp.row', cell: (x) => String(x.row), num: true },
          { key: 'cp.reason', cell: (x) => x.message },
        ], r.rejected, { caption: 'cp.rejected_rows' }));
      }
      await load();
    } catch (err) { result.append(errorBox(err)); }
  });
  await load();
  return card;
}

async function rulesCard(ctx) {
  const r = await get('/arrival-rules', null, { signal: ctx.signal });
  const d = (v) => decisionBadge(v);
  return h('section', { class: 'card', id: 'rules', 'aria-labelledby': 'rules-h' },
    h('h2', { id: 'rules-h', i18n: 'cp.rules' }), h('p', { class: 'hint', i18n: 'cp.rules_hint' }),
    table([
      { key: 'cp.version', cell: (v) => `v${v.version}`, num: true },
      { key: 'cp.effective_from', cell: (v) => (v.effective_from ? fmtTime(v.effective_from) : t('cp.always')) },
      { key: 'cp.on_fever', cell: (v) => h('span', null, `≥ ${v.fever.toFixed(1)} °C `, d(v.on_fever)) },
      { key: 'cp.on_red', cell: (v) => d(v.on_red) },
      { key: 'cp.on_high', cell: (v) => d(v.on_high) },
      { key: 'cp.on_yellow', cell: (v) => d(v.on_yellow) },
      { key: 'cp.on_medium', cell: (v) => d(v.on_medium) },
      { key: 'cp.lookback', cell: (v) => String(v.lookback_days), num: true },
    ], [...r.items].sort((a, b) => b.version - a.version), { caption: 'cp.rules' }));
}

async function registerCard(ctx) {
  const area = h('input', { id: 'reg-area', name: 'area', maxlength: 64, autocomplete: 'off', value: state.area?.code || '' });
  const body = h('div', { 'aria-live': 'polite' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: 'row-form', id: 'reg-form', novalidate: true },
    field('reg-area', 'cp.village', area), h('button', { type: 'submit', class: 'btn', i18n: 'cp.show' }),
    h('button', { type: 'button', class: 'btn', id: 'reg-csv', i18n: 'cp.export_csv' }),
    h('button', { type: 'button', class: 'btn', id: 'reg-xlsx', i18n: 'cp.export_xlsx' }));
  const card = h('section', { class: 'card', id: 'register', 'aria-labelledby': 'reg-h' },
    h('h2', { id: 'reg-h', i18n: 'cp.register' }), form, msg, body);
  const params = () => ({ area: area.value.trim() || null });
  const load = async () => {
    clear(msg);
    clear(body).append(loading());
    const r = await get('/arrivals', { ...params(), limit: 500 }, { signal: ctx.signal });
    clear(body);
    body.append(r.items.length ? table([
      { key: 'cp.at', cell: (a) => fmtTime(a.at) },
      { key: 'cp.person', cell: (a) => h('span', null, a.person.name, a.walk_in ? [' ', badge('cp.walk_in', 'masked')] : null) },
      { key: 'cp.health_code', cell: (a) => badge(`cp.code.${a.health_code}`, a.health_code === 'green' ? 'ok' : a.health_code === 'yellow' ? 'masked' : 'fail') },
      { key: 'cp.cities', cell: (a) => a.cities.join(t('cp.list_sep')) },
      { key: 'cp.decision', cell: (a) => h('span', null, decisionBadge(a.decision), a.risk_area ? ` ${a.risk_area}` : '',
        a.recall ? [' ', badge('cp.recall_made', 'run')] : a.pending_recall ? [' ', badge('cp.recall_pending', 'masked')] : null) },
      { key: 'cp.hardship', cell: (a) => (a.hardship ? h('span', null, a.hardship, a.request ? [' ', badge('cp.request_made', 'run')] : null) : '') },
      { key: 'cp.checkpoint', cell: (a) => a.checkpoint_name || '' },
    ], r.items, { caption: 'cp.register' }) : h('p', { class: 'empty', i18n: 'cp.no_entries' }));
  };
  const show = () => load().catch((e) => { clear(body); msg.append(errorBox(e)); });
  form.addEventListener('submit', (e) => { e.preventDefault(); show(); });
  const exportAs = (format) => async () => {
    clear(msg);
    try {
      await download('/exports/returnees', { ...params(), format }, `returnees.${format}`);
      toast('cp.exported');
    } catch (err) { msg.append(errorBox(err)); }
  };
  form.querySelector('#reg-csv').addEventListener('click', exportAs('csv'));
  form.querySelector('#reg-xlsx').addEventListener('click', exportAs('xlsx'));
  await load();
  return card;
}

export default {
  title: 'cp.title',
  async render(main, ctx) {
    main.append(pageHead('cp.title', null, h('a', { class: 'btn', href: '/checkpoint/', i18n: 'cp.open_phone' })));
    const cards = await Promise.all([checkpointsCard(ctx), riskCard(ctx), rulesCard(ctx), registerCard(ctx)]);
    main.append(...cards);
  },
};
