// Isolation, door sensors and zones at a glance for the dashboard's area, from one
// summary (GET /isolations/summary?area=CODE: counts on index ranges, right at any
// scale): cases by type and today's due work, people to isolate without a case, open alarms by kind, zones by
// kind with the nearest next stage; each tile a link to its screen.
import { registerPanel } from '../registry.js';
import { h } from '../../js/dom.js';
import { fmtNum } from '../../js/i18n.js';
import { fmtDate } from '../../js/ops/common.js';
import { get } from '../../js/api.js';

registerPanel({
  id: 'isolation',
  title: 'panel.isolation.title',
  roles: ['admin', 'officer', 'staff'],
  order: 7,
  async render(el, ctx) {
    const s = await get('/isolations/summary', { area: ctx.area.code }, { signal: ctx.signal });
    const tile = (k, href, n, alert, vars) => h('a', { class: `tile tile-link${alert && n > 0 ? ' tile-alert' : ''}`, href, dataset: { count: k } },
      h('span', { class: 'n', text: fmtNum(n) }), h('span', { class: 'l', i18n: `panel.isolation.${k}`, vars }));
    const zoneKinds = ['sealed', 'controlled', 'precaution'];
    const zonesOf = (st) => zoneKinds.reduce((a, k) => a + s.zones[k][st], 0);
    const next = zoneKinds.map((k) => s.zones[k].next_stage_at).filter((t) => t != null).sort((a, b) => a - b)[0];
    el.append(h('div', { class: 'tiles' },
      tile('active', '#/isolation', s.cases.active, false),
      tile('central', '#/isolation', s.cases.by_type.central, false),
      tile('home_isolation', '#/isolation', s.cases.by_type.home_isolation, false),
      tile('home_monitoring', '#/isolation', s.cases.by_type.home_monitoring, false),
      tile('checkins_due', '#/isolation', s.checkins_due, true),
      tile('test_due', '#/isolation', s.test_due, true),
      tile('ending', '#/isolation', s.ending, false),
      tile('releasable', '#/isolation', s.releasable, false),
      tile('gaps', '#/isolation/gaps', s.gaps, true),
      tile('open_alarms', '#/alarms', s.alarms.total, true),
      tile('door_open', '#/alarms', s.alarms.door_open, true),
      tile('silent', '#/alarms', s.alarms.silent, true),
      tile('active_zones', '#/zones', zonesOf('active'), false),
      tile('proposed_zones', '#/zones', zonesOf('proposed'), true)),
    h('p', { class: 'muted', dataset: { next: next ?? '' }, ...(next != null
      ? { i18n: 'panel.isolation.next_stage', vars: { date: fmtDate(next) } }
      : { i18n: 'panel.isolation.no_next_stage' }) }));
  },
});
