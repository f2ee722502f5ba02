// Round data for the browser tests, made through the API as handhelds, drivers
// and labs would: a site, tubes opened, people sampled, tubes and boxes sealed,
// handovers and results. Times are relative to now (the server's real clock).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

export const now = () => Math.floor(Date.now() / 1000);
const ev = (o) => ({ id: randomUUID(), ...o });

/** People of an area (unmasked for an officer), limit of them. */
export async function peopleOf(api, area, limit) {
  const r = await api('GET', `/persons?area=${area}&limit=${limit}`);
  assert.equal(r.status, 200);
  assert.ok(r.data.items.length >= limit, `${area} has ${limit} people`);
  return r.data.items;
}

export async function makeSite(api, area, name) {
  const r = await api('POST', '/sites', { name, area, tables: 2, opens: 0, closes: 1440 });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  return r.data;
}

export async function batch(api, events) {
  const r = await api('POST', '/sampling/batch', { events });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  for (const x of r.data.results) assert.notEqual(x.status, 'rejected', JSON.stringify(x));
  return r.data;
}

/** One tube of these people, sealed, and (when box is given) packed in a sealed box. */
export async function sampleTube(api, { round, site, tube, people, at, box, boxAt }) {
  const events = [ev({ type: 'tube_open', round, site, tube, pool_size: 10, at })];
  people.forEach((p, i) => events.push(ev({ type: 'sample', tube, person: { id_number: p.id_number }, at: at + 30 * (i + 1) })));
  events.push(ev({ type: 'tube_seal', tube, at: at + 30 * (people.length + 1) }));
  if (box) events.push(ev({ type: 'box_seal', box, seal: `S-${box}`, tubes: [tube], at: boxAt }));
  return batch(api, events);
}
