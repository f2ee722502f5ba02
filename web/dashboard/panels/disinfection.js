// Disinfection overdue: how many places are past their interval and the most overdue,
// each a link to the disinfection screen (GET /disinfection/schedules?overdue=1).
import { registerPanel } from '../registry.js';
import { h } from '../../js/dom.js';
import { fmtNum, fmtTime } from '../../js/i18n.js';
import { get } from '../../js/api.js';

registerPanel({
  id: 'disinfection',
  title: 'panel.disinfection.title',
  roles: ['admin', 'officer', 'staff'],
  order: 31,
  async render(el, ctx) {
    const r = await get('/disinfection/schedules', { overdue: 1, limit: 5 }, { signal: ctx.signal });
    el.append(h('div', { class: 'tiles' }, h('a', { class: `tile tile-link${r.total ? ' tile-alert' : ''}`, href: '#/disinfection', dataset: { count: 'overdue' } },
      h('span', { class: 'n', text: fmtNum(r.total) }), h('span', { class: 'l', i18n: 'panel.disinfection.overdue' }))));
    if (r.items.length) {
      el.append(h('ul', { class: 'plain' }, r.items.map((s) => h('li', null, h('strong', { text: s.place }), ' ',
        h('span', { class: 'muted small', i18n: 'panel.disinfection.due', vars: { at: fmtTime(s.due_at) } })))));
    }
  },
});
