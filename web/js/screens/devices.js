// Door sensors: register a device to a household (its token is shown this
// once, for the installer to put into the device), the devices with their door and
// last contact, disabling one; and approved door-opening windows (garbage, delivery,
// a medical trip) for a household.
import { h, clear, pageHead, table, loading, toast, uid } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { badge } from '../round/common.js';
import { householdPicker } from '../ops/household-pick.js';
import { localValue, fromLocal } from '../ops/common.js';

const WINDOW_KINDS = ['garbage', 'delivery', 'medical'];
const bad = (msg, key, el) => { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: key })); if (el) el.focus(); };

function registerCard(onDone) {
  const id = uid('dv');
  const code = h('input', { type: 'text', id: `${id}-c`, name: 'device', maxlength: 64, autocomplete: 'off', pattern: '[A-Za-z0-9._-]+' });
  const hh = householdPicker();
  const msg = h('div', { 'aria-live': 'assertive' });
  const out = h('div', { id: 'device-token', 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'btn', i18n: 'device.register' });
  const form = h('form', { id: 'device-new', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: `${id}-c`, class: 'req', i18n: 'device.code' }), code,
      h('p', { class: 'hint', i18n: 'device.code_hint' })), hh.el, msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg); clear(out);
    const c = code.value.trim();
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(c)) { bad(msg, 'device.code_invalid', code); return; }
    if (!hh.value) { bad(msg, 'device.household_required'); return; }
    btn.disabled = true;
    try {
      const d = await post('/devices', { device: c, household: hh.value.id });
      out.append(h('div', { class: 'alert alert-ok', role: 'status' },
        h('p', { i18n: 'device.registered', vars: { device: d.device, address: hh.value.address } }),
        h('p', { i18n: 'device.token_once' }), h('p', null, h('code', { class: 'token', text: d.token }))));
      code.value = ''; hh.reset();
      await onDone();
    } catch (err) { msg.append(errorBox(err)); }
    btn.disabled = false;
  });
  return h('section', { class: 'card', 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h`, i18n: 'device.new' }), form, out);
}

function windowsCard(ctx) {
  const id = uid('dw');
  const now = Math.floor(Date.now() / 1000 / 60) * 60;
  const list = h('div', { id: 'door-windows', 'aria-live': 'polite' });
  const load = async () => {
    clear(list).append(loading());
    const r = await get('/door-windows', { household: hh.value ? hh.value.id : null, limit: 200 }, { signal: ctx.signal });
    clear(list);
    if (!r.items.length) { list.append(h('p', { class: 'empty', i18n: hh.value ? 'window.none_household' : 'window.none' })); return; }
    list.append(table([
      { key: 'window.kind', cell: (w) => t(`window.kind.${w.kind}`) },
      { key: 'window.for', cell: (w) => (w.household ? h('a', { href: `#/households/${w.household}`, text: w.area }) : t('window.whole_area', { area: w.area })) },
      { key: 'window.start', cell: (w) => fmtTime(w.start) },
      { key: 'window.end', cell: (w) => fmtTime(w.end) },
      { key: 'window.note', cell: (w) => w.note },
      { key: 'window.by', cell: (w) => w.created_by },
    ], r.items, { caption: 'window.list' }));
  };
  const hh = householdPicker({ labelKey: 'window.household', onPick: () => load().catch((e) => clear(list).append(errorBox(e))) });
  const kind = h('select', { id: `${id}-k`, name: 'kind' }, WINDOW_KINDS.map((k) => h('option', { value: k, i18n: `window.kind.${k}` })));
  const start = h('input', { type: 'datetime-local', id: `${id}-s`, name: 'start', value: localValue(now) });
  const end = h('input', { type: 'datetime-local', id: `${id}-e`, name: 'end', value: localValue(now + 1800) });
  const note = h('input', { type: 'text', id: `${id}-n`, name: 'note', maxlength: 100, autocomplete: 'off' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn', i18n: 'window.approve' });
  const f = (fid, key, input) => h('div', { class: 'field' }, h('label', { for: fid, i18n: key }), input);
  const form = h('form', { id: 'window-new', novalidate: true }, hh.el,
    h('div', { class: 'row-form' }, f(`${id}-k`, 'window.kind', kind), f(`${id}-s`, 'window.start', start),
      f(`${id}-e`, 'window.end', end), f(`${id}-n`, 'window.note', note)), msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const s = fromLocal(start.value); const en = fromLocal(end.value);
    if (!hh.value) { bad(msg, 'window.household_required'); return; }
    if (!(s > 0) || !(en > s)) { bad(msg, 'window.times_invalid', end); return; }
    btn.disabled = true;
    try {
      const body = { household: hh.value.id, kind: kind.value, start: s, end: en };
      if (note.value.trim()) body.note = note.value.trim();
      await post('/door-windows', body);
      toast('window.approved', { address: hh.value.address });
      await load();
    } catch (err) { msg.append(errorBox(err)); }
    btn.disabled = false;
  });
  load().catch((e) => clear(list).append(errorBox(e)));
  return h('section', { class: 'card', 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h`, i18n: 'window.title' }),
    h('p', { class: 'hint', i18n: 'window.hint' }), form, h('h3', { i18n: 'window.list' }), list);
}

export default {
  title: 'device.title',
  async render(main, ctx) {
    const body = h('div', { 'aria-live': 'polite' });
    const msg = h('div', { 'aria-live': 'assertive' });
    const load = async () => {
      clear(body).append(loading());
      const r = await get('/devices', { limit: 200 }, { signal: ctx.signal });
      clear(body);
      if (!r.items.length) { body.append(h('p', { class: 'empty', i18n: 'device.none' })); return; }
      body.append(table([
        { key: 'device.code', cell: (d) => h('strong', { text: d.device }) },
        { key: 'device.household', cell: (d) => h('a', { href: `#/households/${d.household}`, text: d.area }) },
        { key: 'common.status', cell: (d) => badge(`device.status.${d.status}`, d.status === 'active' ? 'run' : 'ok') },
        { key: 'device.door', cell: (d) => t(`device.door.${d.door}`) },
        { key: 'device.last_seen', cell: (d) => (d.last_seen ? fmtTime(d.last_seen) : t('device.never')) },
        { key: 'common.actions', cell: (d) => {
          if (d.status !== 'active') return null;
          const b = h('button', { type: 'button', class: 'btn btn-small btn-secondary', dataset: { disable: d.id } },
            h('span', { i18n: 'device.disable' }), h('span', { class: 'sr-only', text: ` ${d.device}` }));
          b.addEventListener('click', async () => {
            if (!window.confirm(t('device.disable_confirm', { device: d.device }))) return;
            clear(msg);
            b.disabled = true;
            try { await post(`/devices/${enc(d.id)}/disable`); toast('device.disabled', { device: d.device }); await load(); } catch (err) { msg.append(errorBox(err)); b.disabled = false; }
          });
          return b;
        } },
      ], r.items, { caption: 'device.list' }));
    };
    main.append(pageHead('device.title'), registerCard(load),
      h('section', { class: 'card', id: 'devices' }, h('h2', { i18n: 'device.list' }), msg, body), windowsCard(ctx));
    await load();
  },
};
