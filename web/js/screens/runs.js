// A driver's runs (GET /transport/my-runs): every run of their vehicles in
// order of departure, each stop with its place, planned arrival and departure
// (HH:MM) and the boxes to pick up or drop; the next stop stands out. Read on
// a phone in a van: large type, one column.
import { h, pageHead, loading } from '../dom.js';
import { fmtHM } from '../i18n.js';
import { get } from '../api.js';
import { errorBox } from '../errors.js';

const nowS = () => Math.floor(Date.now() / 1000);

/** The runs of all items, each with its vehicle, in order of departure. */
export function flatten(items) {
  const runs = [];
  for (const it of items || []) {
    for (const r of it.runs || []) runs.push({ ...r, vehicle: r.vehicle || it.vehicle, round: it.round });
  }
  runs.sort((a, b) => (a.depart_at - b.depart_at) || String(a.vehicle).localeCompare(String(b.vehicle)));
  return runs;
}

/** The next stop: the first one not done that the van has not left yet. */
export function nextStop(runs, now) {
  for (const r of runs) {
    if (r.state === 'done') continue;
    for (const s of r.stops || []) if (!s.done && s.depart_at >= now) return s;
  }
  return null;
}

function boxesLine(s) {
  const up = (s.pickup || []).length;
  const drop = (s.drop || []).length;
  const out = [];
  if (up) out.push(h('span', { class: 'runs-boxes runs-pickup', i18n: 'runs.pickup', vars: { n: up } }));
  if (drop) out.push(h('span', { class: 'runs-boxes runs-drop', i18n: 'runs.drop', vars: { n: drop } }));
  if (!out.length) out.push(h('span', { class: 'runs-boxes muted', i18n: 'runs.no_boxes' }));
  return out;
}

function stopItem(s, isNext) {
  const place = s.hub ? h('span', { i18n: 'runs.hub', vars: { id: s.name || s.at } }) : h('span', { text: s.name || s.at });
  return h('li', { class: `runs-stop${isNext ? ' runs-next' : ''}${s.done ? ' runs-done' : ''}`, 'aria-current': isNext ? 'step' : null, dataset: { at: s.at } },
    h('div', { class: 'runs-time' },
      h('span', { class: 'runs-arrive', text: fmtHM(s.arrive_at) }),
      h('span', { class: 'runs-sep', 'aria-hidden': 'true', text: '–' }),
      h('span', { class: 'runs-depart', text: fmtHM(s.depart_at) }),
      h('span', { class: 'sr-only', i18n: 'runs.times_sr', vars: { arrive: fmtHM(s.arrive_at), depart: fmtHM(s.depart_at) } })),
    h('div', { class: 'runs-place' },
      isNext ? h('span', { class: 'badge badge-run', i18n: 'runs.next' }) : null,
      s.done ? h('span', { class: 'badge badge-ok', i18n: 'runs.stop_done' }) : null,
      place),
    h('div', { class: 'runs-what' }, boxesLine(s)));
}

function runCard(r, i, next) {
  const state = ['done', 'current', 'planned'].includes(r.state) ? r.state : 'planned';
  return h('section', { class: `card runs-run runs-${state}`, 'aria-labelledby': `run-h-${i}` },
    h('h2', { id: `run-h-${i}` },
      h('span', { i18n: 'runs.run_title', vars: { n: i + 1, vehicle: r.vehicle, time: fmtHM(r.depart_at) } }), ' ',
      h('span', { class: `badge ${state === 'done' ? 'badge-ok' : 'badge-run'}`, i18n: `runs.state.${state}` })),
    h('ol', { class: 'runs-stops' }, (r.stops || []).map((s) => stopItem(s, s === next))));
}

export default {
  title: 'runs.title',
  async render(main, ctx) {
    const refresh = h('button', { type: 'button', class: 'btn btn-secondary', i18n: 'action.refresh' });
    main.append(pageHead('runs.title', null, refresh));
    const out = h('div', { id: 'runs', 'aria-live': 'polite' }, loading());
    main.append(out);
    const draw = async () => {
      try {
        const r = await get('/transport/my-runs', null, { signal: ctx.signal });
        const runs = flatten(r.items);
        out.replaceChildren();
        if (!runs.length) {
          out.append(h('div', { class: 'card' },
            h('p', { class: 'empty', i18n: 'runs.none' }),
            h('p', { class: 'muted', i18n: 'runs.none_next' })));
          return;
        }
        const next = nextStop(runs, nowS());
        if (!next) out.append(h('p', { class: 'alert alert-ok', role: 'status', i18n: 'runs.all_done' }));
        runs.forEach((run, i) => out.append(runCard(run, i, next)));
      } catch (e) {
        if (e.name !== 'AbortError') out.replaceChildren(errorBox(e));
      }
    };
    refresh.addEventListener('click', async () => {
      refresh.disabled = true;
      try { await draw(); } finally { refresh.disabled = false; }
    });
    await draw();
  },
};
