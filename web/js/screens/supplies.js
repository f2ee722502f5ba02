// Supplies: stock per warehouse and site, a movement form (receive, transfer,
// consume, adjust) whose refusals name the item, the place and the shortfall, and the
// ledger of the location chosen. The forecast and pick lists are at #/supplies/forecast.
import { h, clear, pageHead, table, loading, toast, linkButton } from '../dom.js';
import { t, fmtNum, fmtTime } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { itemName, loadItems, moveError } from '../supply/common.js';

const KINDS = ['receipt', 'transfer', 'consumption', 'adjustment'];
const NEEDS = { receipt: ['to'], transfer: ['from', 'to'], consumption: ['from'], adjustment: ['to'] };

function stockText(stock) {
  const parts = Object.entries(stock || {}).filter(([, q]) => q !== 0).map(([code, q]) => `${itemName(code)} ${fmtNum(q)}`);
  return parts.length ? parts.join(' · ') : t('sup.no_stock');
}

/** Places for the from/to selects: every location, then the sites that hold nothing yet. */
function placeOptions(locations, sites) {
  const held = new Set(locations.filter((l) => l.site).map((l) => l.site));
  return [
    ...locations.map((l) => ({ value: `l:${l.id}`, text: `${l.name} (${t(`sup.kind.${l.kind}`)})` })),
    ...sites.filter((s) => !held.has(s.id)).map((s) => ({ value: `s:${s.id}`, text: `${s.name} (${t('sup.kind.site')})` })),
  ];
}

function placeField(body, which, value) {
  if (!value) return;
  const [k, id] = value.split(':');
  body[k === 'l' ? which : `${which}_site`] = Number(id);
}

export default {
  title: 'sup.title',
  async render(main, ctx) {
    await loadItems(ctx.signal);
    const msg = h('div', { id: 'move-msg', 'aria-live': 'assertive' });
    const stockBody = h('div', { 'aria-live': 'polite' });
    const ledger = h('section', { class: 'card', id: 'ledger', 'aria-labelledby': 'ledger-h', hidden: true });
    const kind = h('select', { id: 'mv-kind', name: 'kind' }, KINDS.map((k) => h('option', { value: k, i18n: `sup.move.${k}` })));
    const item = h('select', { id: 'mv-item', name: 'item' });
    const qty = h('input', { type: 'number', id: 'mv-qty', name: 'qty', inputmode: 'numeric', step: 1, required: true });
    const from = h('select', { id: 'mv-from', name: 'from' });
    const to = h('select', { id: 'mv-to', name: 'to' });
    const note = h('input', { type: 'text', id: 'mv-note', name: 'note', maxlength: 200, autocomplete: 'off' });
    const field = (id, key, input) => h('div', { class: 'field', dataset: { field: id } }, h('label', { for: id, i18n: key }), input);
    const fromF = field('mv-from', 'sup.from', from);
    const toF = field('mv-to', 'sup.to', to);
    const submit = h('button', { type: 'submit', class: 'btn' }, h('span', { i18n: 'sup.record' }));
    const form = h('form', { class: 'card', id: 'move', novalidate: true, 'aria-labelledby': 'move-h' },
      h('h2', { id: 'move-h', i18n: 'sup.move' }),
      h('div', { class: 'row' }, field('mv-kind', 'sup.move_kind', kind), field('mv-item', 'sup.item', item),
        field('mv-qty', 'sup.qty', qty)),
      h('div', { class: 'row' }, fromF, toF), field('mv-note', 'sup.note', note), msg, submit);
    const showPlaces = () => {
      fromF.hidden = !NEEDS[kind.value].includes('from');
      toF.hidden = !NEEDS[kind.value].includes('to');
      toF.querySelector('label').textContent = t(kind.value === 'adjustment' ? 'sup.counted_at' : 'sup.to');
    };
    kind.addEventListener('change', showPlaces);
    main.append(pageHead('sup.title', null, linkButton('#/supplies/forecast', 'sup.to_forecast', 'btn btn-secondary')),
      h('section', { class: 'card', id: 'stock', 'aria-labelledby': 'stock-h' }, h('h2', { id: 'stock-h', i18n: 'sup.stock' }), stockBody),
      form, ledger);
    for (const it of (await get('/supply/items', null, { signal: ctx.signal })).items) item.append(h('option', { value: it.code, text: itemName(it.code) }));

    const showLedger = async (l) => {
      ledger.hidden = false;
      clear(ledger).append(h('h2', { id: 'ledger-h', i18n: 'sup.ledger', vars: { name: l.name } }), loading());
      const r = await get(`/supply/locations/${enc(l.id)}/movements`, { limit: 100 }, { signal: ctx.signal });
      ledger.lastChild.remove();
      if (!r.items.length) { ledger.append(h('p', { class: 'empty', i18n: 'sup.no_movements' })); return; }
      ledger.append(table([
        { key: 'common.time', cell: (m) => fmtTime(m.created_at) },
        { key: 'sup.move_kind', cell: (m) => t(`sup.move.${m.kind}`) },
        { key: 'sup.item', cell: (m) => itemName(m.item) },
        { key: 'sup.delta', num: true, cell: (m) => h('span', { class: m.delta < 0 ? 'neg' : 'pos', text: `${m.delta > 0 ? '+' : ''}${fmtNum(m.delta)}` }) },
        { key: 'sup.balance', num: true, cell: (m) => fmtNum(m.balance) },
        { key: 'sup.note', cell: (m) => m.note },
        { key: 'sup.by', cell: (m) => m.created_by },
      ], r.items, { caption: 'sup.ledger_caption' }));
    };
    const load = async () => {
      clear(stockBody).append(loading());
      const [locs, sites] = await Promise.all([
        get('/supply/locations', null, { signal: ctx.signal }),
        get('/sites', { limit: 500 }, { signal: ctx.signal }),
      ]);
      for (const sel of [from, to]) {
        const keep = sel.value;
        clear(sel).append(h('option', { value: '', i18n: 'sup.choose' }),
          ...placeOptions(locs.items, sites.items).map((o) => h('option', { value: o.value, text: o.text })));
        sel.value = keep;
      }
      clear(stockBody);
      if (!locs.items.length) { stockBody.append(h('p', { class: 'empty', i18n: 'sup.no_locations' })); return; }
      stockBody.append(table([
        { key: 'sup.location', cell: (l) => h('button', { type: 'button', class: 'link-button', text: l.name, onclick: () => showLedger(l).catch((e) => ledger.append(errorBox(e))) }) },
        { key: 'sup.kind', cell: (l) => t(`sup.kind.${l.kind}`) },
        { key: 'sup.area', cell: (l) => l.area },
        { key: 'sup.held', cell: (l) => stockText(l.stock) },
      ], locs.items, { caption: 'sup.stock' }));
    };
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(msg);
      const body = { kind: kind.value, item: item.value, qty: Number(qty.value) };
      if (!qty.value || !Number.isInteger(body.qty)) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'sup.qty_needed' })); qty.focus(); return; }
      if (!fromF.hidden) placeField(body, 'from', from.value);
      if (!toF.hidden) placeField(body, 'to', to.value);
      if (note.value.trim()) body.note = note.value.trim();
      submit.disabled = true;
      try {
        await post('/supply/movements', body);
        toast('sup.recorded', { kind: t(`sup.move.${kind.value}`), item: itemName(item.value), qty: fmtNum(body.qty) });
        qty.value = '';
        await load();
      } catch (err) {
        msg.append(moveError(err));
      } finally { submit.disabled = false; }
    });
    showPlaces();
    await load();
  },
};
