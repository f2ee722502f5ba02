// Isolation, door sensors and zones at a glance: active cases, today's due work,
// open alarms and zones, each a link to its screen (GET /isolations/worklist,
// /alarms?open=1, /zones).
import { registerPanel } from '../registry.js';
import { h } from '../../js/dom.js';
import { fmtNum } from '../../js/i18n.js';
import { get } from '../../js/api.js';

const count = (r) => `${fmtNum(r.items.length)}${r.next_cursor ? '+' : ''}`;

registerPanel({
  id: 'isolation',
  title: 'panel.isolation.title',
  roles: ['admin', 'officer', 'staff'],
  order: 7,
  async render(el, ctx) {
    const [work, alarms, zones] = await Promise.all([
      get('/isolations/worklist', { limit: 500 }, { signal: ctx.signal }),
      get('/alarms', { open: 1, limit: 500 }, { signal: ctx.signal }),
      get('/zones', { limit: 500 }, { signal: ctx.signal }),
    ]);
    const zonesOf = (st) => zones.items.filter((z) => z.status === st).length;
    const n = (f) => work.items.filter(f).length;
    const tile = (k, href, text, alert) => h('a', { class: `tile tile-link${alert ? ' tile-alert' : ''}`, href, dataset: { count: k } },
      h('span', { class: 'n', text }), h('span', { class: 'l', i18n: `panel.isolation.${k}` }));
    el.append(h('div', { class: 'tiles' },
      tile('active', '#/isolation', count(work), false),
      tile('checkins_due', '#/isolation', fmtNum(n((w) => w.checkins_due > 0)), n((w) => w.checkins_due > 0) > 0),
      tile('test_due', '#/isolation', fmtNum(n((w) => w.test_due)), n((w) => w.test_due) > 0),
      tile('releasable', '#/isolation', fmtNum(n((w) => w.releasable)), false),
      tile('open_alarms', '#/alarms', count(alarms), alarms.items.length > 0),
      tile('active_zones', '#/zones', fmtNum(zonesOf('active')), false),
      tile('proposed_zones', '#/zones', fmtNum(zonesOf('proposed')), zonesOf('proposed') > 0)));
  },
});
