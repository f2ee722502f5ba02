// Shared by the isolation screens: the check-in form (used on a case and in the
// worklist), the symptoms, who may read counselling notes, and a policy in words.
import { h, clear, uid, toast } from '../dom.js';
import { t } from '../i18n.js';
import { post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { state } from '../state.js';

export const SYMPTOMS = ['fever', 'cough', 'sore_throat', 'fatigue', 'loss_of_smell', 'diarrhoea', 'breathing', 'other'];
export const TYPES = ['home_isolation', 'central', 'home_monitoring'];
export const REASONS = ['close_contact', 'secondary_contact', 'risk_area_arrival', 'red_code', 'yellow_code', 'positive_pool', 'confirmed_case'];

/** Counselling notes: officers and users flagged counsellor, never admins (contract.md). */
export function mayCounsel() {
  const u = state.user;
  return !!u && u.role !== 'admin' && (u.role === 'officer' || !!u.counsellor);
}

/** e.g. "home isolation v2: 7 days, tests on days 1, 4 and 7, 2 check-ins a day" (in the user's language) */
export function policyWords(p) {
  return t('iso.policy_words', { type: t(`iso.type.${p.type}`), v: p.version, days: p.days, tests: p.test_days.join(t('iso.list_sep')), n: p.checkins_per_day });
}

/** A check-in: temperature and/or symptoms, and a note; a fever or a symptom is flagged. */
export function checkinForm(c, onDone) {
  const id = uid('ck');
  const temp = h('input', { type: 'number', id: `${id}-t`, name: 'temperature', min: 34, max: 43, step: 0.1, inputmode: 'decimal', autocomplete: 'off' });
  const boxes = SYMPTOMS.map((s) => h('input', { type: 'checkbox', id: `${id}-${s}`, name: 'symptoms', value: s }));
  const note = h('input', { type: 'text', id: `${id}-n`, name: 'note', maxlength: 100, autocomplete: 'off' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn btn-small' }, h('span', { i18n: 'iso.checkin_save' }),
    h('span', { class: 'sr-only', text: ` ${c.person.name}` }));
  const form = h('form', { class: 'checkin-form', novalidate: true, dataset: { checkin: c.id } },
    h('div', { class: 'field' }, h('label', { for: `${id}-t`, i18n: 'iso.temperature' }), temp),
    h('fieldset', { class: 'symptoms' }, h('legend', { i18n: 'iso.symptoms' }),
      boxes.map((b, i) => h('span', { class: 'check' }, b, h('label', { for: b.id, i18n: `iso.symptom.${SYMPTOMS[i]}` })))),
    h('div', { class: 'field' }, h('label', { for: `${id}-n`, i18n: 'iso.note' }), note),
    msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const symptoms = boxes.filter((b) => b.checked).map((b) => b.value);
    const tv = temp.value.trim();
    const bad = (key) => { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: key })); temp.focus(); };
    if (!tv && !symptoms.length) { bad('iso.checkin_empty'); return; }
    if (tv && !(Number(tv) >= 34 && Number(tv) <= 43)) { bad('iso.temperature_range'); return; }
    const body = { symptoms };
    if (tv) body.temperature = Number(tv);
    if (note.value.trim()) body.note = note.value.trim();
    btn.disabled = true;
    try {
      const r = await post(`/isolations/${enc(c.id)}/checkins`, body);
      toast(r.flagged ? 'iso.checkin_flagged' : 'iso.checkin_done', { name: c.person.name });
      await onDone(r);
    } catch (err) { msg.append(errorBox(err)); btn.disabled = false; }
  });
  return form;
}
