// Merchants of the current area, searched by name prefix.
import { h, pageHead, uid, table, loading } from '../dom.js';
import { fmtNum } from '../i18n.js';
import { get } from '../api.js';
import { errorBox } from '../errors.js';
import { state } from '../state.js';
import { go } from '../app.js';

export function merchantsTable(items) {
  return table([
    { key: 'merchant.name', cell: (m) => h('a', { href: `#/merchants/${m.id}`, text: m.name }) },
    { key: 'merchant.licence', cell: (m) => h('span', { class: 'mono', text: m.licence || '' }) },
    { key: 'merchant.address', cell: (m) => m.address || '' },
    { key: 'merchant.contact', cell: (m) => [m.contact_name || '', ' ', h('span', { class: 'mono', text: m.contact_phone || '' })] },
    { key: 'merchant.staff', num: true, cell: (m) => fmtNum(m.staff) },
  ], items);
}

export default {
  title: 'merchants.title',
  usesArea: true,
  async render(main, ctx) {
    const q0 = ctx.query.get('q') || '';
    const qId = uid('mq');
    const input = h('input', { type: 'search', id: qId, value: q0, autocomplete: 'off' });
    const form = h('form', { class: 'card', role: 'search' }, h('div', { class: 'search-row' },
      h('div', { class: 'field' }, h('label', { for: qId, i18n: 'merchants.search_label' }), input),
      h('button', { type: 'submit', class: 'btn', i18n: 'action.search' })));
    form.addEventListener('submit', (e) => { e.preventDefault(); go(`/merchants${input.value.trim() ? `?q=${encodeURIComponent(input.value.trim())}` : ''}`); });
    main.append(pageHead('merchants.title', null, h('a', { class: 'btn', href: '#/merchants/new', i18n: 'merchant.add' })));
    if (!state.area) { main.append(h('p', { class: 'empty', i18n: 'area.none' })); return; }
    main.append(h('p', { class: 'muted', i18n: 'merchants.in_area', vars: { name: state.area.name } }), form);
    const out = h('section', { class: 'card', 'aria-live': 'polite', id: 'merchant-results' }, loading());
    main.append(out);
    let cursor = null;
    const load = async () => {
      const r = await get('/merchants', { area: state.area.code, q: q0 || null, limit: 50, cursor }, { signal: ctx.signal });
      cursor = r.next_cursor;
      return r.items;
    };
    try {
      const items = await load();
      out.replaceChildren();
      if (!items.length) { out.append(h('p', { class: 'empty', i18n: 'merchants.none' })); return; }
      const body = h('div');
      body.append(merchantsTable(items));
      out.append(body);
      if (cursor) {
        const more = h('button', { type: 'button', class: 'btn btn-secondary', i18n: 'common.more' });
        more.addEventListener('click', async () => {
          more.disabled = true;
          try { body.append(merchantsTable(await load())); if (!cursor) more.remove(); } catch (e) { out.append(errorBox(e)); } finally { more.disabled = false; }
        });
        out.append(more);
      }
    } catch (e) { if (e.name !== 'AbortError') out.replaceChildren(errorBox(e)); }
  },
};
