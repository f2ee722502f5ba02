// A round with its transport set up (and planned) through the API as an officer,
// for the browser tests of the transport screens. Times are relative to now.
import assert from 'node:assert/strict';
import { apiAs } from './harness.mjs';

/** HH:MM of an epoch time in Asia/Shanghai, as the screens show it. */
export const hm = (epoch) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  .format(new Date(epoch * 1000));

/** Two sites 10 and 12 minutes from the hub "LAB" (a matrix) or placed by coordinates
 *  (coords: the hub has them too), one vehicle driven by lijianhua (and a spare when
 *  spare), boxes sealed hourly from an hour from now. deadline: minutes to the hub
 *  (8: every box late). plan: make the plan too. */
export async function transportRound(srv, { name = '转运测试轮', deadline = 90, coords = false, spare = false, plan = true } = {}) {
  const officer = await apiAs(srv, 'cuizhengbo');
  const t0 = Math.floor(Date.now() / 60000) * 60; // now, whole minutes
  const round = await officer('POST', '/rounds', { name, areas: ['HKG-YH'], start: t0 - 4 * 3600, deadline: t0 + 86400 });
  assert.equal(round.status, 201, JSON.stringify(round.data));
  const site = async (siteName, lat, lng) => {
    const r = await officer('POST', '/sites', { name: siteName, area: 'HKG-YH-IT-W12', lat, lng, tables: 2, opens: 0, closes: 1440 });
    assert.equal(r.status, 201, JSON.stringify(r.data));
    return r.data;
  };
  const s1 = await site('港城公寓核酸点', 34.52, 113.84);
  const s2 = await site('新港学校核酸点', 34.535, 113.862);
  const travel = coords ? { hub_lat: 34.505, hub_lng: 113.82, speed_kmh: 30 }
    : { matrix: { ids: ['LAB', String(s1.id), String(s2.id)], minutes: [[0, 10, 12], [10, 0, 8], [12, 8, 0]], km: [[0, 6, 7], [6, 0, 5], [7, 5, 0]] } };
  const vehicles = [{ id: '豫A12345', shift_start: t0 - 1800, shift_end: t0 + 8 * 3600, capacity: 10, driver: 'lijianhua' }];
  if (spare) vehicles.push({ id: '豫A67890', shift_start: t0, shift_end: t0 + 6 * 3600, capacity: 10 });
  const setup = await officer('PUT', `/rounds/${round.data.id}/transport`, {
    hub: 'LAB', deadline_min: deadline, service_min: 3, lead_min: 15, replan_min: 10, ...travel, vehicles,
    pickups: [
      { site: s1.id, first_seal: t0 + 3600, every_min: 60, last_seal: t0 + 3 * 3600 },
      { site: s2.id, first_seal: t0 + 5400, every_min: 60, last_seal: t0 + 3 * 3600 + 1800 },
    ],
  });
  assert.equal(setup.status, 200, JSON.stringify(setup.data));
  let made = null;
  if (plan) {
    made = await officer('POST', `/rounds/${round.data.id}/transport/plan`);
    assert.equal(made.status, 201, JSON.stringify(made.data));
  }
  return { officer, round: round.data, sites: [s1, s2], t0, made: made?.data };
}

/** The round's stored plan with epoch times on runs and stops. */
export async function storedPlan(api, roundId) {
  const r = await api('GET', `/rounds/${roundId}/transport/plan`);
  assert.equal(r.status, 200, JSON.stringify(r.data));
  const at = (m) => r.data.day0 + 60 * m;
  const runs = r.data.plan.runs.map((run) => ({ ...run, depart_at: at(run.depart), stops: run.stops.map((s) => ({ ...s, arrive_at: at(s.arrive), depart_at: at(s.depart) })) }));
  return { ...r.data, runs, at };
}
