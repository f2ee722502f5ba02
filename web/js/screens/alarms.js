// Door-sensor alarms: the open ones first, newest first; staff
// acknowledge each with an outcome and an optional note. Every alarm can be shown.
import { h, clear, pageHead, table, loading, toast, uid } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { badge } from '../round/common.js';

export const OUTCOMES = ['false_alarm', 'resident_inside', 'returned', 'visited', 'escalated', 'device_serviced', 'other'];

function ackForm(a, onDone) {
  const id = uid('ack');
  const outcome = h('select', { id: `${id}-o`, name: 'outcome' },
    h('option', { value: '', i18n: 'alarm.choose_outcome' }),
    OUTCOMES.map((o) => h('option', { value: o, i18n: `alarm.outcome.${o}` })));
  const note = h('input', { type: 'text', id: `${id}-n`, name: 'note', maxlength: 200, autocomplete: 'off' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn btn-small' }, h('span', { i18n: 'alarm.ack' }));
  const form = h('form', { class: 'row-form ack-form', novalidate: true, dataset: { alarm: a.id } },
    h('div', { class: 'field' }, h('label', { for: `${id}-o`, class: 'req', i18n: 'alarm.outcome' }), outcome),
    h('div', { class: 'field' }, h('label', { for: `${id}-n`, i18n: 'alarm.note' }), note),
    msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    if (!outcome.value) {
      msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'alarm.outcome_required' }));
      outcome.focus();
      return;
    }
    btn.disabled = true;
    try {
      const body = { outcome: outcome.value };
      if (note.value.trim()) body.note = note.value.trim();
      await post(`/alarms/${enc(a.id)}/ack`, body);
      toast('alarm.acked', { address: a.address });
      await onDone();
    } catch (err) { msg.append(errorBox(err)); btn.disabled = false; }
  });
  return form;
}

export default {
  title: 'alarm.title',
  async render(main, ctx) {
    main.append(pageHead('alarm.title'));
    const all = h('input', { type: 'checkbox', id: 'alarm-all', name: 'all' });
    const card = h('section', { class: 'card', id: 'alarms', 'aria-labelledby': 'alarms-h' },
      h('h2', { id: 'alarms-h', i18n: 'alarm.list' }),
      h('div', { class: 'field check' }, all, h('label', { for: 'alarm-all', i18n: 'alarm.show_all' })));
    const body = h('div', { 'aria-live': 'polite' });
    card.append(body);
    main.append(card);
    const load = async () => {
      clear(body).append(loading());
      const r = await get('/alarms', { open: all.checked ? null : 1, limit: 200 }, { signal: ctx.signal });
      clear(body);
      if (!r.items.length) { body.append(h('p', { class: 'empty', i18n: all.checked ? 'alarm.none_all' : 'alarm.none' })); return; }
      body.append(table([
        { key: 'alarm.kind', cell: (a) => h('strong', { i18n: `alarm.kind.${a.kind}` }) },
        { key: 'alarm.address', cell: (a) => (a.household ? h('a', { href: `#/households/${a.household}`, text: a.address }) : a.address) },
        { key: 'alarm.device', cell: (a) => a.device },
        { key: 'alarm.at', cell: (a) => fmtTime(a.at) },
        { key: 'common.status', cell: (a) => badge(`alarm.status.${a.status}`, a.status === 'open' ? 'fail' : 'ok') },
        { key: 'alarm.handling', cell: (a) => (a.status === 'open' ? ackForm(a, load)
          : h('span', null, t(`alarm.outcome.${a.acknowledged.outcome}`), a.acknowledged.note ? ` · ${a.acknowledged.note}` : '',
            h('span', { class: 'muted small', text: ` (${a.acknowledged.by}, ${fmtTime(a.acknowledged.at)})` }))) },
      ], r.items, { caption: 'alarm.list' }));
    };
    all.addEventListener('change', () => load().catch((e) => clear(body).append(errorBox(e))));
    await load();
  },
};
