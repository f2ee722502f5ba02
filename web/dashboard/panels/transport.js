// Boxes at risk in the current area across open rounds (GET /transport/at-risk:
// the plans' stored late counts and custody counts on an index range), each
// number a link to the list of the round with the most.
import { registerPanel } from '../registry.js';
import { h } from '../../js/dom.js';
import { fmtNum } from '../../js/i18n.js';
import { get } from '../../js/api.js';

registerPanel({
  id: 'transport',
  title: 'panel.transport.title',
  roles: ['admin', 'officer', 'staff'],
  order: 8,
  async render(el, ctx) {
    const r = await get('/transport/at-risk', { area: ctx.area.code }, { signal: ctx.signal });
    if (!r.items.length) { el.append(h('p', { class: 'empty', i18n: 'panel.transport.no_rounds' })); return; }
    const worst = (k) => r.items.reduce((a, b) => (b[k] > a[k] ? b : a), r.items[0]);
    const tile = (k) => {
      const n = r[k];
      return h('a', { class: `tile tile-link${n ? ' tile-alert' : ''}`, href: n ? `#/rounds/${worst(k).round}/risk` : '#/transport', dataset: { count: k } },
        h('span', { class: 'n', text: fmtNum(n) }), h('span', { class: 'l', i18n: `panel.transport.${k}` }));
    };
    el.append(h('div', { class: 'tiles' }, tile('planned_late'), tile('at_risk'), tile('overdue')));
    if (!r.planned_late && !r.at_risk && !r.overdue) el.append(h('p', { class: 'muted', i18n: 'panel.transport.all_clear' }));
    el.append(h('p', null, h('a', { href: '#/transport', i18n: 'panel.transport.go', vars: { n: r.items.length } })));
  },
});
