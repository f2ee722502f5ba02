// A round's stored transport plan as the screens read it: times in epoch seconds
// (plans count minutes from day0) and each vehicle's next stop.
import { get } from '../api.js';

/** GET a path, answering null for the 404 codes that mean "not there yet". */
export async function getOrNull(path, codes, signal) {
  try {
    return await get(path, null, { signal });
  } catch (e) {
    if (e.status === 404 && codes.includes(e.code)) return null;
    throw e;
  }
}

/** The round's setup (null: none) and current plan (null: none). */
export async function loadTransport(roundId, signal) {
  const setup = await getOrNull(`/rounds/${roundId}/transport`, ['no_transport_setup'], signal);
  const cur = setup ? await getOrNull(`/rounds/${roundId}/transport/plan`, ['no_plan'], signal) : null;
  return { setup, cur };
}

/** The plan's runs with epoch times: run.depart_at, run.end_at, stops' arrive_at/depart_at. */
export function epochRuns(cur) {
  const at = (m) => cur.day0 + 60 * m;
  return (cur.plan.runs || []).map((r, i) => {
    const stops = (r.stops || []).map((s) => ({ ...s, arrive_at: at(s.arrive), depart_at: at(s.depart) }));
    const last = stops[stops.length - 1];
    return { ...r, index: i, state: ['done', 'current', 'planned'].includes(r.state) ? r.state : 'planned', stops, depart_at: at(r.depart), end_at: last ? last.arrive_at : at(r.depart) };
  });
}

/** Each vehicle's next stop at now: the first stop not done that it has not left yet. */
export function nextStops(runs, now) {
  const next = new Map();
  for (const r of [...runs].sort((a, b) => a.depart_at - b.depart_at)) {
    if (r.state === 'done' || next.has(r.vehicle)) continue;
    const s = r.stops.find((x) => !x.done && x.depart_at >= now);
    if (s) next.set(r.vehicle, s);
  }
  return next;
}
