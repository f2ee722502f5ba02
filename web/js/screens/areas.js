// Area tree (children fetched when a branch opens) and, for the chosen area,
// its counters and households.
import { h, clear, pageHead, table, loading } from '../dom.js';
import { t, fmtNum } from '../i18n.js';
import { get, enc, url } from '../api.js';
import { state, setArea } from '../state.js';
import { area as getArea, childrenOf, scopeRoots, pathTo, kindLabel } from '../areas.js';
import { updateAreaButton } from '../area-picker.js';
import { errorBox } from '../errors.js';
import { currentLang } from '../i18n.js';
import { replaceRoute } from '../app.js';

const COUNTS = ['persons', 'households', 'merchants', 'floating', 'employees', 'vulnerable'];

export function riskBadge(level) {
  if (!level || level === 'none') return null;
  return h('span', { class: `badge badge-risk-${level}`, i18n: `risk.${level}` });
}

export function exportLinks(params, path = '/exports/persons') {
  const lang = currentLang() === 'en' ? 'en' : null;
  return h('span', { class: 'row' },
    h('a', { class: 'btn btn-secondary', href: url(path, { ...params, format: 'xlsx', lang }), download: '', dataset: { export: 'xlsx' }, i18n: 'export.xlsx' }),
    h('a', { class: 'btn btn-secondary', href: url(path, { ...params, format: 'csv', lang }), download: '', dataset: { export: 'csv' }, i18n: 'export.csv' }));
}

export default {
  title: 'areas.title',
  usesArea: true,
  async render(main, ctx) {
    main.append(pageHead('areas.title'));
    let selected = state.area;
    if (ctx.params.code && (!selected || ctx.params.code !== selected.code)) {
      selected = await getArea(ctx.params.code);
      setArea(selected, { silent: true });
      updateAreaButton();
    }
    const treeBox = h('nav', { class: 'card', i18nAttr: { 'aria-label': 'areas.tree' } }, h('h2', { i18n: 'areas.tree' }));
    const detail = h('section', { class: 'area-detail', 'aria-live': 'polite' });
    main.append(h('div', { class: 'split' }, treeBox, detail));

    const tree = h('ul', { class: 'tree' });
    treeBox.append(tree);
    const rows = new Map(); // code → {li, toggle, ul, loaded}

    function select(a, { push = true } = {}) {
      for (const r of rows.values()) r.name.removeAttribute('aria-current');
      const r = rows.get(a.code);
      if (r) r.name.setAttribute('aria-current', 'true');
      setArea(a, { silent: true });
      updateAreaButton();
      if (push) replaceRoute(`/areas/${enc(a.code)}`);
      showDetail(a);
    }

    function node(a) {
      const sub = h('ul', { hidden: true });
      const name = h('button', { type: 'button', class: 'tree-name', onclick: () => select(a) },
        h('span', { text: a.name }), h('span', { class: 'kind', text: kindLabel(a.kind) }));
      const toggle = a.kind === 'unit' ? h('span', { class: 'tree-spacer' })
        : h('button', { type: 'button', class: 'tree-toggle', 'aria-expanded': 'false', onclick: () => flip(a.code) },
          h('span', { class: 'sr-only', text: t('areas.expand', { name: a.name }) }));
      const li = h('li', { dataset: { code: a.code } }, h('div', { class: 'tree-row' }, toggle, name), sub);
      rows.set(a.code, { li, toggle, name, ul: sub, loaded: false, a });
      return li;
    }

    async function load(code) {
      const r = rows.get(code);
      if (r.loaded) return;
      r.loaded = true;
      r.ul.hidden = false;
      r.ul.replaceChildren(h('li', null, loading()));
      let cursor = null;
      const kids = [];
      do {
        const page = await childrenOf(code, cursor);
        for (const c of page.items) kids.push(node(c));
        cursor = page.next_cursor;
      } while (cursor && !ctx.stale());
      r.ul.replaceChildren(...kids);
      if (!r.ul.children.length) {
        r.toggle.replaceWith(h('span', { class: 'tree-spacer' }));
        r.toggle = null;
      }
    }

    async function flip(code, open) {
      const r = rows.get(code);
      if (!r.toggle) return;
      const want = open ?? r.toggle.getAttribute('aria-expanded') !== 'true';
      if (want) {
        try { await load(code); } catch (e) { r.ul.hidden = false; r.ul.replaceChildren(h('li', null, errorBox(e))); r.loaded = false; return; }
        if (!r.toggle) return;
      }
      r.ul.hidden = !want;
      r.toggle.setAttribute('aria-expanded', String(want));
    }

    async function showDetail(a) {
      clear(detail).append(loading());
      try {
        const [s, hh] = await Promise.all([
          get(`/areas/${enc(a.code)}/stats`, null, { signal: ctx.signal }),
          get('/households', { area: a.code, limit: 25 }, { signal: ctx.signal }),
        ]);
        if (state.area !== a) return;
        clear(detail);
        const card = h('div', { class: 'card' },
          h('h2', null, h('span', { text: a.name }), ' ', riskBadge(a.risk_level)),
          h('p', { class: 'muted' }, h('span', { text: kindLabel(a.kind) }), ' · ', h('span', { class: 'mono', text: a.code })),
          h('div', { class: 'tiles' }, COUNTS.map((k) => h('div', { class: 'tile' },
            h('span', { class: 'n', text: fmtNum(s[k]) }), h('span', { class: 'l', i18n: `count.${k}` })))),
          h('div', { class: 'row' },
            h('a', { class: 'btn', href: `#/persons/new?area=${enc(a.code)}`, i18n: 'person.add' }),
            h('a', { class: 'btn btn-secondary', href: '#/import', i18n: 'nav.import' }),
            exportLinks({ area: a.code })));
        detail.append(card);
        const hcard = h('div', { class: 'card' }, h('h2', { i18n: 'household.list' }));
        detail.append(hcard);
        if (!hh.items.length) { hcard.append(h('p', { class: 'empty', i18n: 'household.none' })); return; }
        const body = h('div');
        hcard.append(body);
        const addRows = (items) => body.append(table([
          { key: 'household.address', cell: (x) => h('a', { href: `#/households/${x.id}`, text: x.full_address || x.room || String(x.id) }) },
          { key: 'household.members', num: true, cell: (x) => fmtNum(x.members) },
        ], items));
        addRows(hh.items);
        let next = hh.next_cursor;
        if (next) {
          const more = h('button', { type: 'button', class: 'btn btn-secondary', i18n: 'common.more' });
          more.addEventListener('click', async () => {
            more.disabled = true;
            try {
              const p = await get('/households', { area: a.code, limit: 25, cursor: next });
              addRows(p.items);
              next = p.next_cursor;
              if (!next) more.remove();
            } catch (e) { hcard.append(errorBox(e)); } finally { more.disabled = false; }
          });
          hcard.append(more);
        }
      } catch (e) {
        if (e.name === 'AbortError') return;
        clear(detail).append(errorBox(e));
      }
    }

    const roots = await scopeRoots();
    for (const a of roots) tree.append(node(a));
    if (selected) {
      // open the branches down to the chosen area
      const path = await pathTo(selected.code);
      for (const a of path) {
        if (!rows.has(a.code)) break;
        await flip(a.code, true);
      }
      if (rows.has(selected.code)) rows.get(selected.code).name.setAttribute('aria-current', 'true');
      showDetail(selected);
    } else if (roots.length === 1) {
      select(roots[0]);
    }
  },
};
