// A round's transport: the setup in brief, making the plan and re-planning
// (officers), and a timeline per vehicle: one row a vehicle across the day, its
// runs as bars (hub → stops → hub), done, current and planned told apart by
// pattern and words as well as colour. Hovering, focusing or tapping a bar shows
// its stops and times (HH:MM) and its late boxes below the timeline. The
// timeline scrolls sideways inside its own box, so the page never does.
// Officers fill in the setup here (transport-setup.js); below it, the round's
// outgoing messages (outbox.js).
import { h, clear, table } from '../dom.js';
import { fmtHM, fmtTime, fmtNum } from '../i18n.js';
import { post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { canRunRounds } from './common.js';
import { loadTransport, epochRuns, getOrNull } from './plan.js';
import { setupEditor, roundSites } from './transport-setup.js';
import { outboxView } from './outbox.js';

const nowS = () => Math.floor(Date.now() / 1000);
const LABEL_PX = 112; // the sticky vehicle column (7rem at 16 px)
export const REFRESH_MS = 60000; // the sender thread re-plans by itself after a deviation

/** A place, in words: the hub by its id, a site by its name. */
function place(setup, at) {
  if (at === setup.hub) return h('span', { i18n: 'tp.hub', vars: { id: at } });
  const p = setup.pickups.find((x) => String(x.site) === String(at));
  return h('span', { text: p ? p.name : at });
}

function setupSummary(setup) {
  const sites = setup.pickups;
  return h('section', { class: 'card', id: 'tp-setup', 'aria-labelledby': 'tp-setup-h' },
    h('h2', { id: 'tp-setup-h', i18n: 'tp.setup' }),
    h('p', { class: 'tp-brief', i18n: 'tp.setup_brief', vars: { hub: setup.hub, deadline: setup.deadline_min, vehicles: setup.vehicles.length, sites: sites.length } }),
    h('details', null, h('summary', { i18n: 'tp.setup_more' }),
      h('dl', { class: 'facts' },
        h('dt', { i18n: 'tp.deadline' }), h('dd', { i18n: 'tp.minutes', vars: { n: setup.deadline_min } }),
        h('dt', { i18n: 'tp.service' }), h('dd', { i18n: 'tp.minutes', vars: { n: setup.service_min } }),
        h('dt', { i18n: 'tp.lead' }), h('dd', { i18n: 'tp.minutes', vars: { n: setup.lead_min } }),
        h('dt', { i18n: 'tp.replan_after' }), h('dd', { i18n: 'tp.minutes', vars: { n: setup.replan_min } })),
      table([
        { key: 'tp.vehicle', cell: (v) => h('span', { class: 'mono', text: v.id }) },
        { key: 'tp.shift', cell: (v) => `${fmtHM(v.shift_start)}–${fmtHM(v.shift_end)}` },
        { key: 'tp.capacity', num: true, cell: (v) => fmtNum(v.capacity) },
        { key: 'tp.driver', cell: (v) => v.driver || '—' },
      ], setup.vehicles, { caption: 'tp.vehicles' }),
      table([
        { key: 'tp.site', cell: (p) => p.name },
        { key: 'tp.seals', cell: (p) => h('span', { i18n: 'tp.seals_every', vars: { from: fmtHM(p.first_seal), to: fmtHM(p.last_seal), n: p.every_min } }) },
        { key: 'tp.per_seal', num: true, cell: (p) => fmtNum(p.boxes_per_seal) },
      ], sites, { caption: 'tp.pickups' })));
}

function planSummary(cur) {
  const s = cur.plan.summary || {};
  return h('p', { class: 'tp-plan-line', id: 'tp-plan-line' },
    h('span', { i18n: 'tp.version', vars: { v: cur.version } }), ' · ',
    h('span', { i18n: `tp.reason.${cur.reason}` }), ' · ',
    h('span', { i18n: 'tp.made', vars: { at: fmtTime(cur.made_at), by: cur.made_by || '—' } }), ' · ',
    h('span', { i18n: 'tp.counts', vars: { boxes: s.boxes ?? 0, late: s.late_boxes ?? 0, used: s.vehicles_used ?? 0 } }),
    (s.late_boxes || 0) > 0 ? h('span', null, ' ', h('a', { href: `#/rounds/${cur.round}/risk`, i18n: 'tp.see_risk' })) : null);
}

/** The boxes of a run that its plan brings in late. */
function lateBoxes(cur, run) {
  const ids = new Set(run.stops.flatMap((s) => s.pickup || []));
  return (cur.plan.boxes || []).filter((b) => ids.has(b.id) && b.late_min > 0);
}

function detail(setup, cur, run, n) {
  const late = lateBoxes(cur, run);
  return [
    h('h3', null, h('span', { i18n: 'tp.run_title', vars: { vehicle: run.vehicle, n, from: fmtHM(run.depart_at), to: fmtHM(run.end_at) } }), ' ',
      h('span', { class: `badge ${run.state === 'done' ? 'badge-ok' : 'badge-run'}`, i18n: `tp.state.${run.state}` })),
    h('ol', { class: 'tp-stops' },
      h('li', null, h('span', { class: 'tp-time', text: fmtHM(run.depart_at) }), ' ', h('span', { i18n: 'tp.leaves' }), ' · ', place(setup, setup.hub)),
      run.stops.map((s) => h('li', { class: s.done ? 'tp-stop-done' : null },
        h('span', { class: 'tp-time', text: `${fmtHM(s.arrive_at)}–${fmtHM(s.depart_at)}` }), ' ', place(setup, s.at),
        (s.pickup || []).length ? h('span', null, ' · ', h('span', { i18n: 'runs.pickup', vars: { n: s.pickup.length } })) : null,
        (s.drop || []).length ? h('span', null, ' · ', h('span', { i18n: 'runs.drop', vars: { n: s.drop.length } })) : null,
        s.done ? h('span', null, ' · ', h('span', { i18n: 'runs.stop_done' })) : null))),
    late.length ? h('div', { class: 'tp-late' },
      h('p', { class: 'tp-late-h' }, h('span', { 'aria-hidden': 'true', text: '⚠ ' }), h('span', { i18n: 'tp.late_boxes', vars: { n: late.length } })),
      h('ul', null, late.map((b) => h('li', null, place(setup, b.site), ' · ',
        h('span', { i18n: 'tp.late_box', vars: { sealed: fmtHM(cur.day0 + 60 * b.sealed), arrive: fmtHM(cur.day0 + 60 * b.delivered), n: b.late_min } })))))
      : h('p', { class: 'muted', i18n: 'tp.no_late_in_run' }),
  ];
}

/** Hour ticks between t0 and t1 (epoch seconds on whole hours). */
function hours(t0, t1) {
  const out = [];
  for (let x = t0; x <= t1; x += 3600) out.push(x);
  return out;
}

function timeline(setup, cur, runs, detailEl) {
  const vehicles = [...setup.vehicles.map((v) => v.id)];
  for (const r of runs) if (!vehicles.includes(r.vehicle)) vehicles.push(r.vehicle);
  const starts = [...setup.vehicles.map((v) => v.shift_start), ...runs.map((r) => r.depart_at)];
  const ends = [...setup.vehicles.map((v) => v.shift_end), ...runs.map((r) => r.end_at)];
  const t0 = Math.floor(Math.min(...starts) / 3600) * 3600;
  const t1 = Math.ceil(Math.max(...ends) / 3600) * 3600;
  const scroll = h('div', { class: 'tl-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'tl-h' });
  const spanMin = Math.max(60, (t1 - t0) / 60);
  const avail = Math.max(200, (detailEl.parentElement?.clientWidth || 900) - LABEL_PX - 32);
  // fit the day in the box, unless that makes the shortest run too narrow to read its time
  const shortest = Math.max(10, Math.min(...runs.map((r) => (r.end_at - r.depart_at) / 60)));
  const ppm = Math.min(6, Math.max(avail / spanMin, 52 / shortest));
  const W = Math.round(spanMin * ppm);
  const x = (t) => Math.round(((t - t0) / 60) * ppm);
  const px = (el, prop, v) => { el.style[prop] = `${v}px`; return el; }; // CSSOM: the CSP allows no style attributes

  const axis = px(h('div', { class: 'tl-track tl-axis', 'aria-hidden': 'true' },
    hours(t0, t1).map((t) => px(h('span', { class: 'tl-tick', text: fmtHM(t) }), 'left', x(t)))), 'width', W);
  const rows = [h('div', { class: 'tl-row tl-head' }, h('div', { class: 'tl-label', i18n: 'tp.vehicle' }), axis)];
  const now = nowS();
  const bars = [];
  const show = (bar, run, n) => {
    for (const b of bars) { b.classList.toggle('tl-selected', b === bar); b.setAttribute('aria-pressed', String(b === bar)); }
    detailEl.replaceChildren(...detail(setup, cur, run, n));
  };
  for (const v of vehicles) {
    const mine = runs.filter((r) => r.vehicle === v).sort((a, b) => a.depart_at - b.depart_at);
    const veh = setup.vehicles.find((s) => s.id === v);
    const track = px(h('div', { class: 'tl-track' }), 'width', W);
    if (veh) track.append(px(px(h('div', { class: 'tl-shift', 'aria-hidden': 'true' }), 'left', x(veh.shift_start)), 'width', Math.max(2, x(veh.shift_end) - x(veh.shift_start))));
    if (now >= t0 && now <= t1) track.append(px(h('div', { class: 'tl-now', 'aria-hidden': 'true' }), 'left', x(now)));
    if (!mine.length) track.append(h('span', { class: 'tl-none muted', i18n: 'tp.no_runs' }));
    mine.forEach((run, i) => {
      const late = lateBoxes(cur, run).length;
      const w = Math.max(18, x(run.end_at) - x(run.depart_at));
      const bar = h('button', {
        type: 'button', class: `tl-bar tl-${run.state}${late ? ' tl-late' : ''}`, 'aria-pressed': 'false', 'aria-controls': 'tp-detail',
        dataset: { vehicle: v, run: String(i + 1), state: run.state, late: String(late) },
      },
      h('span', { class: 'tl-bar-text', 'aria-hidden': 'true' }, run.state === 'current' ? '▶ ' : '', fmtHM(run.depart_at)),
      late ? h('span', { class: 'tl-flag', 'aria-hidden': 'true', text: `⚠${late}` }) : null,
      h('span', { class: 'sr-only', i18n: 'tp.bar_sr', vars: { vehicle: v, n: i + 1, from: fmtHM(run.depart_at), to: fmtHM(run.end_at), stops: run.stops.length } }),
      h('span', { class: 'sr-only' }, ' ', h('span', { i18n: `tp.state.${run.state}` })),
      late ? h('span', { class: 'sr-only' }, ' ', h('span', { i18n: 'tp.late_boxes', vars: { n: late } })) : null);
      px(px(bar, 'left', x(run.depart_at)), 'width', w);
      // the stops along the bar: the hub at both ends, each site a tick
      const span = Math.max(60, run.end_at - run.depart_at);
      for (const s of run.stops.slice(0, -1)) {
        const tick = h('span', { class: `tl-stop${s.done ? ' tl-stop-done' : ''}`, 'aria-hidden': 'true' });
        tick.style.left = `${Math.round((100 * (s.arrive_at - run.depart_at)) / span)}%`;
        bar.append(tick);
      }
      for (const ev of ['mouseenter', 'focus', 'click']) bar.addEventListener(ev, () => show(bar, run, i + 1));
      bars.push(bar);
      track.append(bar);
    });
    rows.push(h('div', { class: 'tl-row', dataset: { vehicle: v } },
      h('div', { class: 'tl-label' }, h('span', { class: 'mono', text: v }), veh && veh.driver ? h('span', { class: 'small muted', text: veh.driver }) : null),
      track));
  }
  scroll.append(h('div', { class: 'tl' }, rows));
  return scroll;
}

function legend() {
  return h('ul', { class: 'tl-legend' },
    ['done', 'current', 'planned'].map((s) => h('li', null, h('span', { class: `tl-swatch tl-${s}`, 'aria-hidden': 'true', text: s === 'current' ? '▶' : '' }), h('span', { i18n: `tp.state.${s}` }))),
    h('li', null, h('span', { class: 'tl-swatch tl-planned tl-late', 'aria-hidden': 'true', text: '⚠' }), h('span', { i18n: 'tp.legend_late' })),
    h('li', null, h('span', { class: 'tl-swatch tl-now-swatch', 'aria-hidden': 'true' }), h('span', { i18n: 'tp.legend_now' })));
}

export default async function transport(el, round, ctx) {
  const area = h('div', { 'aria-live': 'polite' });
  el.append(area, outboxView(round, ctx));
  let shown = null; // the version on screen
  let busy = false;
  const draw = async (message) => {
    const { setup, cur } = await loadTransport(round.id, ctx.signal);
    if (ctx.stale()) return;
    shown = cur ? cur.version : null;
    const editor = canRunRounds()
      ? await setupEditor({ round, setup, sites: await roundSites(round, ctx.signal), signal: ctx.signal, onSaved: (saved) => draw(h('span', { i18n: 'ts.saved', vars: { vehicles: saved.vehicles.length, sites: saved.pickups.length } })) })
      : null;
    if (ctx.stale()) return;
    clear(area);
    const links = canRunRounds() ? h('p', { class: 'ts-links' }, h('a', { href: `#/channels?round=${round.id}`, id: 'tp-channels-link', i18n: 'ts.channels_link' })) : null;
    if (!setup) {
      area.append(h('div', { class: 'card', id: 'tp-none' }, h('p', { class: 'empty', i18n: 'tp.no_setup' }), h('p', { class: 'muted', i18n: editor ? 'ts.no_setup_next' : 'tp.no_setup_next' })));
      if (editor) area.append(editor, links);
      return;
    }
    area.append(setupSummary(setup));
    if (editor) area.append(h('details', { class: 'ts-edit', id: 'ts-edit' }, h('summary', { class: 'btn btn-secondary', i18n: 'ts.edit_open' }), editor), links);
    const card = h('section', { class: 'card', id: 'tp-plan', 'aria-labelledby': 'tl-h' }, h('h2', { id: 'tl-h', i18n: 'tp.timeline' }));
    area.append(card);
    const status = h('p', { id: 'tp-status', role: 'status', class: 'tp-status' });
    const errors = h('div', { id: 'tp-error' });
    if (message) status.append(message);
    if (canRunRounds()) {
      const act = (key, path) => h('button', { type: 'button', class: key === 'tp.make' ? 'btn' : 'btn btn-secondary', i18n: key, dataset: { act: path } });
      const make = act('tp.make', 'plan');
      const redo = cur ? act('tp.replan', 'replan') : null;
      const run = async (btn) => {
        for (const b of [make, redo]) if (b) b.disabled = true;
        busy = true;
        card.setAttribute('aria-busy', 'true');
        errors.replaceChildren();
        status.replaceChildren(h('progress', { class: 'tp-progress', 'aria-hidden': 'true' }), ' ', h('span', { i18n: btn === make ? 'tp.making' : 'tp.replanning' }));
        try {
          const r = await post(`/rounds/${enc(round.id)}/transport/${btn.dataset.act}`);
          const s = r.summary || {};
          await draw(h('span', { i18n: 'tp.made_ok', vars: { v: r.version, boxes: s.boxes ?? 0, late: s.late_boxes ?? 0, used: s.vehicles_used ?? 0 } }));
        } catch (e) {
          if (e.name === 'AbortError') return;
          status.replaceChildren();
          errors.replaceChildren(errorBox(e));
          for (const b of [make, redo]) if (b) b.disabled = false;
        } finally {
          busy = false;
          card.removeAttribute('aria-busy');
        }
      };
      make.addEventListener('click', () => run(make));
      redo?.addEventListener('click', () => run(redo));
      card.append(h('div', { class: 'form-actions tp-actions' }, make, redo, h('span', { class: 'small muted', i18n: cur ? 'tp.replan_hint' : 'tp.make_hint' })));
    }
    card.append(status, errors);
    if (!cur) {
      card.append(h('p', { class: 'empty', id: 'tp-no-plan', i18n: canRunRounds() ? 'tp.no_plan' : 'tp.no_plan_staff' }));
      return;
    }
    const runs = epochRuns(cur);
    const detailEl = h('div', { id: 'tp-detail', class: 'tp-detail', 'aria-live': 'polite' }, h('p', { class: 'muted', i18n: 'tp.pick_run' }));
    card.append(planSummary(cur), legend());
    const holder = h('div');
    card.append(holder, detailEl);
    if (!runs.length) holder.append(h('p', { class: 'empty', i18n: 'tp.no_runs_at_all' }));
    else holder.append(h('p', { class: 'sr-only', i18n: 'tp.timeline_sr' }), timeline(setup, cur, runs, detailEl));
    if (cur.plan.warnings?.length) card.append(h('p', { class: 'alert alert-warn', role: 'note' }, h('span', { i18n: 'tp.warnings' }), ' ', h('span', { lang: 'en', text: cur.plan.warnings.join(' ') })));
  };
  try {
    await draw();
  } catch (e) {
    if (e.name !== 'AbortError') area.replaceChildren(errorBox(e));
  }
  // a plan made elsewhere (another officer, or a re-plan after a deviation) is drawn when it lands
  const timer = setInterval(async () => {
    if (busy || shown == null) return;
    try {
      const cur = await getOrNull(`/rounds/${enc(round.id)}/transport/plan`, ['no_plan'], ctx.signal);
      if (cur && cur.version !== shown && !busy) await draw(h('span', { i18n: 'tp.newer', vars: { v: cur.version, at: fmtHM(cur.made_at) } }));
    } catch { /* the next look tries again; the plan on screen stays */ }
  }, REFRESH_MS);
  ctx.onCleanup(() => clearInterval(timer));
}
