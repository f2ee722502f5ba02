// One zone: its cause, count and what lifting still needs; its gate posts
// (officers add one) and each post's log of entries, exits and deliveries, newest
// first, with a form to record the next (a delivery names a household inside).
import { h, clear, pageHead, table, loading, toast, uid } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { badge } from '../round/common.js';
import { isOfficer, fmtDate } from '../ops/common.js';
import { householdPicker } from '../ops/household-pick.js';
import { unmetLines } from './zones.js';

const KINDS = ['entry', 'exit', 'delivery'];
const fact = (key, value) => [h('dt', { i18n: key }), h('dd', null, value)];

function entryForm(z, gate, onDone) {
  const id = uid('gl');
  const kind = h('select', { id: `${id}-k`, name: 'kind' }, KINDS.map((k) => h('option', { value: k, i18n: `gate.kind.${k}` })));
  const name = h('input', { type: 'text', id: `${id}-n`, name: 'name', maxlength: 50, autocomplete: 'off' });
  const note = h('input', { type: 'text', id: `${id}-o`, name: 'note', maxlength: 100, autocomplete: 'off' });
  const hh = householdPicker({ area: z.area.code, labelKey: 'gate.household' });
  const hhBox = h('div', { hidden: true }, hh.el);
  kind.addEventListener('change', () => { hhBox.hidden = kind.value !== 'delivery'; });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn', i18n: 'gate.record' });
  const form = h('form', { id: 'gate-entry', novalidate: true },
    h('div', { class: 'row-form' },
      h('div', { class: 'field' }, h('label', { for: `${id}-k`, i18n: 'gate.kind' }), kind),
      h('div', { class: 'field' }, h('label', { for: `${id}-n`, i18n: 'gate.name' }), name),
      h('div', { class: 'field' }, h('label', { for: `${id}-o`, i18n: 'gate.note' }), note)),
    hhBox, msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const body = { kind: kind.value };
    if (name.value.trim()) body.name = name.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    if (kind.value === 'delivery') {
      if (!hh.value) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'gate.household_required' })); return; }
      body.household = hh.value.id;
    } else if (!body.name) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'gate.name_required' })); name.focus(); return; }
    btn.disabled = true;
    try {
      await post(`/gates/${enc(gate.id)}/log`, body);
      toast('gate.recorded', { gate: gate.name });
      name.value = ''; note.value = ''; hh.reset();
      await onDone();
    } catch (err) { msg.append(errorBox(err)); }
    btn.disabled = false;
  });
  return form;
}

export default {
  title: 'zone.one',
  async render(main, ctx) {
    const z = await get(`/zones/${enc(ctx.params.id)}`, null, { signal: ctx.signal });
    const active = z.status === 'active';
    const lines = unmetLines(z);
    main.append(pageHead('zone.of', { name: z.area.name }, h('a', { class: 'btn btn-secondary', href: '#/zones', i18n: 'zone.back' })),
      h('section', { class: 'card', id: 'zone-facts' }, h('dl', { class: 'facts' },
        fact('zone.kind', t(`risk.${z.kind}`)),
        fact('common.status', badge(`zone.status.${z.status}`, active ? 'run' : 'ok')),
        fact('zone.start', fmtTime(z.start || z.proposed_at)),
        fact('zone.rule', z.rule),
        active && z.next ? fact('zone.countdown', lines.length ? h('ul', { class: 'unmet' }, lines.map((l) => h('li', null, l)))
          : t('zone.ready', { to: t(`zone.to.${z.next.to}`) })) : null,
        fact('zone.count_from_label', fmtDate(z.count_from)))));
    const gatesId = uid('gh');
    const gates = h('section', { class: 'card', id: 'zone-gates', 'aria-labelledby': gatesId }, h('h2', { id: gatesId, i18n: 'gate.title' }));
    main.append(gates);
    const body = h('div', { 'aria-live': 'polite' });
    const msg = h('div', { 'aria-live': 'assertive' });
    if (isOfficer() && active) {
      const gid = uid('gn');
      const name = h('input', { type: 'text', id: gid, name: 'gate_name', maxlength: 50, autocomplete: 'off' });
      const add = h('form', { class: 'row-form', id: 'gate-add', novalidate: true },
        h('div', { class: 'field' }, h('label', { for: gid, i18n: 'gate.new_name' }), name),
        h('button', { type: 'submit', class: 'btn btn-secondary', i18n: 'gate.add' }));
      add.addEventListener('submit', async (e) => {
        e.preventDefault();
        clear(msg);
        if (!name.value.trim()) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'gate.name_required' })); name.focus(); return; }
        try {
          const g = await post(`/zones/${enc(z.id)}/gates`, { name: name.value.trim() });
          z.gates.push(g);
          name.value = '';
          toast('gate.added', { gate: g.name });
          drawGates(g.id);
        } catch (err) { msg.append(errorBox(err)); }
      });
      gates.append(add);
    }
    gates.append(msg, body);
    const drawGates = (sel) => {
      clear(body);
      if (!z.gates.length) { body.append(h('p', { class: 'empty', i18n: 'gate.none' })); return; }
      const pid = uid('gs');
      const pickGate = h('select', { id: pid, name: 'gate' }, z.gates.map((g) => h('option', { value: g.id, text: g.name, selected: g.id === sel })));
      const log = h('div', { id: 'gate-log', 'aria-live': 'polite' });
      const gate = () => z.gates.find((g) => String(g.id) === pickGate.value);
      const formBox = h('div');
      const loadLog = async () => {
        clear(log).append(loading());
        const r = await get(`/gates/${enc(pickGate.value)}/log`, { limit: 100 }, { signal: ctx.signal });
        clear(log);
        if (!r.items.length) { log.append(h('p', { class: 'empty', i18n: 'gate.log_none' })); return; }
        log.append(table([
          { key: 'common.time', cell: (e) => fmtTime(e.at) },
          { key: 'gate.kind', cell: (e) => badge(`gate.kind.${e.kind}`, e.kind === 'delivery' ? 'run' : 'ok') },
          { key: 'gate.name', cell: (e) => e.name },
          { key: 'gate.household', cell: (e) => (e.household ? h('a', { href: `#/households/${e.household}`, i18n: 'gate.household_link' }) : '') },
          { key: 'gate.note', cell: (e) => e.note },
          { key: 'gate.recorded_by', cell: (e) => e.recorded_by },
        ], r.items, { caption: 'gate.log' }));
      };
      const drawForm = () => { clear(formBox); if (active) formBox.append(entryForm(z, gate(), loadLog)); };
      pickGate.addEventListener('change', () => { drawForm(); loadLog().catch((e) => clear(log).append(errorBox(e))); });
      body.append(h('div', { class: 'field' }, h('label', { for: pid, i18n: 'gate.choose' }), pickGate), formBox,
        h('h3', { i18n: 'gate.log' }), log);
      drawForm();
      loadLog().catch((e) => clear(log).append(errorBox(e)));
    };
    drawGates(z.gates[0] && z.gates[0].id);
  },
};
