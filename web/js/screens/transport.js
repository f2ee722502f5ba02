// Transport across the open rounds of the current area (GET /transport/at-risk):
// each round with its plan's late boxes and the sealed boxes near or past the
// lab limit, linking to its timeline, list of boxes at risk and map; officers
// also reach the message channels from here.
import { h, pageHead, table, loading, linkButton } from '../dom.js';
import { fmtNum } from '../i18n.js';
import { get } from '../api.js';
import { state } from '../state.js';
import { errorBox } from '../errors.js';
import { canRunRounds } from '../round/common.js';

export default {
  title: 'transport.title',
  usesArea: true,
  async render(main, ctx) {
    main.append(pageHead('transport.title', null, canRunRounds() ? linkButton('#/channels', 'ch.title', 'btn btn-secondary') : null));
    if (!state.area) { main.append(h('p', { class: 'empty', i18n: 'area.none' })); return; }
    const out = h('div', { id: 'transport-rounds' }, loading());
    main.append(h('p', { class: 'muted', i18n: 'transport.for_area', vars: { name: state.area.name } }), out);
    try {
      const r = await get('/transport/at-risk', { area: state.area.code }, { signal: ctx.signal });
      if (!r.items.length) { out.replaceChildren(h('p', { class: 'empty', i18n: 'transport.none' })); return; }
      const n = (v, alert) => h('span', { class: alert && v > 0 ? 'risk-bad' : null, text: fmtNum(v) });
      out.replaceChildren(table([
        { key: 'transport.round', cell: (x) => h('a', { href: `#/rounds/${x.round}/transport`, text: x.name }) },
        { key: 'transport.plan', cell: (x) => (x.version == null ? h('span', { class: 'muted', i18n: 'transport.no_plan' }) : h('span', { i18n: 'tp.version', vars: { v: x.version } })) },
        { key: 'panel.transport.planned_late', num: true, cell: (x) => n(x.planned_late, true) },
        { key: 'panel.transport.at_risk', num: true, cell: (x) => n(x.at_risk, true) },
        { key: 'panel.transport.overdue', num: true, cell: (x) => n(x.overdue, true) },
        { key: 'common.actions', cell: (x) => h('span', { class: 'links' },
          h('a', { href: `#/rounds/${x.round}/risk`, i18n: 'round.tab.risk' }), ' · ',
          h('a', { href: `#/rounds/${x.round}/map`, i18n: 'round.tab.map' })) },
      ], r.items, { caption: 'transport.title' }));
    } catch (e) {
      if (e.name !== 'AbortError') out.replaceChildren(errorBox(e));
    }
  },
};
