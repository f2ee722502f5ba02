// Supply shortfalls flagged before a round: the open alerts that a warehouse holds less
// than its sites need tomorrow, each a link to the pick lists (GET /alerts?kind=supply_shortfall).
import { registerPanel } from '../registry.js';
import { h } from '../../js/dom.js';
import { t, fmtNum, fmtTime } from '../../js/i18n.js';
import { get } from '../../js/api.js';
import { itemName } from '../../js/supply/common.js';

// core/supply_forecast.c's words, put back into the user's language
const MSG = /^supply shortfall for round (?<round>.*): (?<wh>.+) has (?<stock>\d+) (?<item>\S+), the sites need (?<pick>\d+) picked \((?<short>\d+) short\)$/;

function words(a) {
  const m = a.message.match(MSG);
  if (!m) return a.message;
  const g = m.groups;
  return t('panel.supplies.line', { round: g.round, warehouse: g.wh, item: itemName(g.item), stock: fmtNum(Number(g.stock)), pick: fmtNum(Number(g.pick)), short: fmtNum(Number(g.short)) });
}

registerPanel({
  id: 'supplies',
  title: 'panel.supplies.title',
  roles: ['admin', 'officer', 'staff'],
  order: 30,
  async render(el, ctx) {
    const r = await get('/alerts', { kind: 'supply_shortfall', open: 1, limit: 10 }, { signal: ctx.signal });
    if (!r.items.length) el.append(h('p', { class: 'empty', i18n: 'panel.supplies.none' }));
    else {
      el.append(h('ul', { class: 'plain shortfalls' }, r.items.map((a) => h('li', { class: 'tile-alert', dataset: { alert: a.id } },
        h('span', { text: words(a) }), ' ', h('span', { class: 'muted small', text: fmtTime(a.created_at) })))));
    }
    el.append(h('p', null, h('a', { href: '#/supplies/forecast', i18n: 'panel.supplies.go' })));
  },
});
