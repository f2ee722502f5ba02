// Sweep progress (door to door): each campaign in the dashboard's area with households done of all, what
// remains and the doors to knock at again (GET /sweeps?area=), each a link to its campaign.
import { registerPanel } from '../registry.js';
import { h, table } from '../../js/dom.js';
import { fmtNum } from '../../js/i18n.js';
import { get } from '../../js/api.js';
import { sweepBar } from '../../js/screens/sweeps.js';

registerPanel({
  id: 'sweeps',
  title: 'panel.sweeps.title',
  roles: ['admin', 'officer', 'staff'],
  order: 8,
  async render(el, ctx) {
    const r = await get('/sweeps', { area: ctx.area.code, limit: 10 }, { signal: ctx.signal });
    if (!r.items.length) { el.append(h('p', { class: 'empty', i18n: 'panel.sweeps.none' })); return; }
    el.append(table([
      { key: 'sweep.name', cell: (k) => h('a', { href: `#/sweeps/${k.id}`, dataset: { sweep: k.id }, text: k.name }) },
      { key: 'sweep.done', cell: (k) => sweepBar(k.progress, k.name) },
      { key: 'sweep.remaining', cell: (k) => fmtNum(k.progress.remaining) },
      { key: 'sweep.revisit', cell: (k) => fmtNum(k.progress.revisit) },
    ], r.items, { caption: 'panel.sweeps.title' }));
  },
});
