// Work orders at a glance: the overdue ones (open and past their deadline, the
// oldest deadline first, each a link to the order), and counts of those waiting in
// triage and open in all (GET /work-orders?overdue=1, ?triage=1, the list).
import { registerPanel } from '../registry.js';
import { h } from '../../js/dom.js';
import { fmtNum, fmtTime } from '../../js/i18n.js';
import { get } from '../../js/api.js';

const count = (r) => `${fmtNum(r.items.length)}${r.next_cursor ? '+' : ''}`;
const OPEN = ['new', 'accepted', 'in_progress'];

registerPanel({
  id: 'workorders',
  title: 'panel.workorders.title',
  roles: ['admin', 'officer', 'staff'],
  order: 8,
  async render(el, ctx) {
    const [overdue, triage, all] = await Promise.all([
      get('/work-orders', { overdue: 1, limit: 500 }, { signal: ctx.signal }),
      get('/work-orders', { triage: 1, limit: 500 }, { signal: ctx.signal }),
      get('/work-orders', { limit: 500 }, { signal: ctx.signal }),
    ]);
    const tile = (k, text, alert) => h('a', { class: `tile tile-link${alert ? ' tile-alert' : ''}`, href: '#/workorders', dataset: { count: k } },
      h('span', { class: 'n', text }), h('span', { class: 'l', i18n: `panel.workorders.${k}` }));
    const openTriage = triage.items.filter((o) => OPEN.includes(o.status)).length;
    el.append(h('div', { class: 'tiles' },
      tile('overdue', count(overdue), overdue.items.length > 0),
      tile('triage', fmtNum(openTriage), openTriage > 0),
      tile('open', fmtNum(all.items.filter((o) => OPEN.includes(o.status)).length), false)));
    const late = [...overdue.items].sort((a, b) => a.deadline - b.deadline).slice(0, 5);
    el.append(late.length
      ? h('ul', { class: 'plain-list', id: 'panel-wo-overdue' }, late.map((o) => h('li', null,
        h('a', { href: `#/workorders/${o.id}`, text: `${o.external_id} ${o.title}` }), ' · ', fmtTime(o.deadline),
        o.assignee ? ` · ${o.assignee}` : '')))
      : h('p', { class: 'empty', i18n: 'panel.workorders.none' }));
  },
});
