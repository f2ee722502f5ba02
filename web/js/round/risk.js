// Boxes at risk (GET /rounds/{id}/transport/at-risk): boxes the plan brings to the
// hub late, and sealed boxes still on the road near or past the lab limit, soonest
// deadline first, with where they are and how late (or how much time is left).
// Redrawn every 30 seconds while the tab is open.
import { h, clear, table } from '../dom.js';
import { fmtHM, fmtTime, applyI18n } from '../i18n.js';
import { get, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { badge } from './common.js';
import { REFRESH_MS } from './turnaround.js';

const hm = (t) => h('span', { class: 'nowrap', text: fmtHM(t) });
const TONE = { late: 'fail', overdue: 'fail', at_risk: 'masked' };

/** How late, or how long is left, in words. */
function margin(b) {
  if (b.status === 'overdue') return h('span', { class: 'risk-margin risk-bad nowrap', i18n: 'atrisk.overdue_by', vars: { n: b.late_min } });
  if (b.status === 'late') return h('span', { class: 'risk-margin risk-bad nowrap', i18n: 'atrisk.late_by', vars: { n: b.late_min } });
  return h('span', { class: 'risk-margin nowrap', i18n: 'atrisk.left', vars: { n: Math.max(0, b.left_min) } });
}

function boxCell(b) {
  return b.barcode ? h('span', { class: 'mono', text: b.barcode }) : h('span', { i18n: 'atrisk.planned_box', vars: { time: fmtHM(b.sealed_at) } });
}

export default async function risk(el, round, ctx) {
  const stamp = h('p', { class: 'muted small', id: 'risk-updated', 'aria-live': 'off' });
  const body = h('div', { id: 'risk-list' });
  el.append(h('section', { class: 'card', 'aria-labelledby': 'risk-list-h' },
    h('h2', { id: 'risk-list-h', i18n: 'atrisk.title' }),
    h('p', { class: 'muted', i18n: 'atrisk.explain' }), stamp, body));
  const load = async () => {
    try {
      const r = await get(`/rounds/${enc(round.id)}/transport/at-risk`, null, { signal: ctx.signal });
      clear(body);
      if (!r.items.length) {
        body.append(h('p', { class: 'empty', i18n: r.version == null ? 'atrisk.none_no_plan' : 'atrisk.none' }));
      } else {
        body.append(h('p', { class: 'risk-count', i18n: 'atrisk.count', vars: { n: r.items.length } }), table([
          { key: 'atrisk.box', cell: boxCell },
          { key: 'atrisk.site', cell: (b) => b.site_name },
          { key: 'common.status', cell: (b) => badge(`atrisk.status.${b.status}`, TONE[b.status] || 'run') },
          { key: 'atrisk.sealed', cell: (b) => hm(b.sealed_at) },
          { key: 'atrisk.deadline', cell: (b) => hm(b.deadline_at) },
          { key: 'atrisk.expected', cell: (b) => (b.expected_at ? hm(b.expected_at) : h('span', { class: 'muted', i18n: 'atrisk.not_planned' })) },
          { key: 'atrisk.margin', cell: margin },
          { key: 'atrisk.vehicle', cell: (b) => (b.vehicle ? h('span', { class: 'mono nowrap', text: b.vehicle }) : h('span', { class: 'muted', i18n: 'atrisk.no_vehicle' })) },
        ], r.items, { caption: 'atrisk.title' }));
      }
      stamp.dataset.i18n = 'turn.updated';
      stamp.dataset.i18nVars = JSON.stringify({ at: fmtTime(r.now) });
      applyI18n(stamp);
    } catch (e) {
      if (e.name !== 'AbortError') clear(body).append(errorBox(e));
    }
  };
  await load();
  const timer = setInterval(load, REFRESH_MS);
  ctx.onCleanup(() => clearInterval(timer));
}
