// Population by area: the area's counters and each child's, as tiles, a bar
// chart and a table (GET /areas/{code}/stats, kept current by the server).
import { registerPanel } from '../registry.js';
import { h, table } from '../../js/dom.js';
import { t, fmtNum } from '../../js/i18n.js';
import { get, enc } from '../../js/api.js';
import { kindLabel } from '../../js/areas.js';
import { barChart } from '../../js/lib/bars.js';

const COUNTS = ['persons', 'households', 'merchants', 'floating', 'employees', 'vulnerable'];

registerPanel({
  id: 'population',
  title: 'panel.population.title',
  roles: ['admin', 'officer', 'staff'],
  order: 10,
  wide: true,
  async render(el, ctx) {
    const s = await get(`/areas/${enc(ctx.area.code)}/stats`, null, { signal: ctx.signal });
    el.append(h('div', { class: 'tiles' }, COUNTS.map((k) => h('div', { class: 'tile', dataset: { count: k } },
      h('span', { class: 'n', text: fmtNum(s[k]) }), h('span', { class: 'l', i18n: `count.${k}` })))));
    const kids = s.children || [];
    if (!kids.length) { el.append(h('p', { class: 'muted', i18n: 'panel.population.no_children' })); return; }
    el.append(h('h3', { i18n: 'panel.population.by_child' }));
    el.append(barChart(kids.map((c) => ({ label: c.name, value: c.persons })), { label: t('panel.population.chart', { name: s.name }) }));
    el.append(table([
      { key: 'common.area', cell: (c) => h('a', { href: `#/areas/${enc(c.code)}`, text: c.name }) },
      { key: 'common.kind', cell: (c) => kindLabel(c.kind) },
      ...COUNTS.map((k) => ({ key: `count.${k}`, num: true, cell: (c) => fmtNum(c[k]) })),
    ], kids, { caption: 'panel.population.by_child' }));
  },
});
