// Boxes at risk (the limit is near and the step still to come) and breaches,
// redrawn every 30 seconds while the tab is open.
import { h, clear, table } from '../dom.js';
import { fmtTime, applyI18n } from '../i18n.js';
import { get, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { badge } from './common.js';

export const REFRESH_MS = 30000;

const STEP_TONE = { ok: 'ok', at_risk: 'masked', breach: 'fail' };

function boxes(items) {
  return table([
    { key: 'turn.box', cell: (b) => h('span', { class: 'mono', text: b.box }) },
    { key: 'common.area', cell: (b) => b.site_area },
    { key: 'turn.stage', cell: (b) => badge(`turn.stage.${b.stage}`, 'run') },
    { key: 'turn.sealed', cell: (b) => fmtTime(b.sealed_at) },
    { key: 'turn.lab', cell: (b) => h('span', null, badge(`turn.state.${b.lab}`, STEP_TONE[b.lab]), ' ', h('span', { class: 'small', text: fmtTime(b.lab_at || b.lab_deadline) })) },
    { key: 'turn.result', cell: (b) => h('span', null, badge(`turn.state.${b.result}`, STEP_TONE[b.result]), ' ', h('span', { class: 'small', text: fmtTime(b.result_at || b.result_deadline) })) },
  ], items);
}

export default async function turnaround(el, round, ctx) {
  const lim = await get(`/rounds/${round.id}/turnaround-limits`, null, { signal: ctx.signal });
  const stamp = h('p', { class: 'muted small', id: 'turn-updated', 'aria-live': 'off' });
  const risk = h('section', { class: 'card', 'aria-labelledby': 'risk-h', id: 'at-risk' }, h('h2', { id: 'risk-h', i18n: 'turn.at_risk' }));
  const breach = h('section', { class: 'card', 'aria-labelledby': 'breach-h', id: 'breaches' }, h('h2', { id: 'breach-h', i18n: 'turn.breaches' }));
  const riskBody = h('div'); const breachBody = h('div');
  risk.append(riskBody); breach.append(breachBody);
  el.append(h('p', { class: 'muted', i18n: 'turn.limits', vars: { lab: lim.to_lab_min, result: lim.to_result_min, lab_warn: lim.lab_warn_min, result_warn: lim.result_warn_min } }),
    stamp, risk, breach);
  const fill = async (view, body, emptyKey) => {
    const r = await get(`/rounds/${enc(round.id)}/turnaround`, { view, limit: 200 }, { signal: ctx.signal });
    clear(body).append(r.items.length ? boxes(r.items) : h('p', { class: 'empty', i18n: emptyKey }));
  };
  const load = async () => {
    try {
      await Promise.all([fill('at_risk', riskBody, 'turn.no_risk'), fill('breaches', breachBody, 'turn.no_breach')]);
      stamp.dataset.i18n = 'turn.updated';
      stamp.dataset.i18nVars = JSON.stringify({ at: fmtTime(Math.floor(Date.now() / 1000)) });
      applyI18n(stamp);
    } catch (e) {
      if (e.name !== 'AbortError') clear(riskBody).append(errorBox(e));
    }
  };
  await load();
  const timer = setInterval(load, REFRESH_MS);
  ctx.onCleanup(() => clearInterval(timer));
}
