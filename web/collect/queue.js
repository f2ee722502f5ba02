// The sampling table's outbox (js/offline/queue.js): every event is written to
// IndexedDB before the screen confirms it, and leaves only through POST
// /api/v1/sampling/batch, whose answer names each event by its client id.
import { post } from '../js/api.js';
import { createQueue } from '../js/offline/queue.js';

const q = createQueue({ name: 'fx-collect', indexes: ['tube', 'who'] });

export const { onChange, openDb, pendingCount, recent, prune } = q;

/** Queues an event durably; resolves once IndexedDB has committed it. */
export function enqueue(ev, { who = '' } = {}) { return q.enqueue(ev, { tube: ev.tube || '', who }); }

/** The events of one tube (samples counted in it), oldest first. */
export function tubeEvents(tube) { return q.byIndex('tube', tube); }

/** Has this person (id_number or code) been sampled in this round on this device already? */
export async function seenPerson(who) {
  return (await q.byIndex('who', who)).some((r) => r.state !== 'rejected');
}

/** Sends what is pending; returns the events answered (with their state, warnings, error);
 *  throws ApiError when it cannot. */
export function sync() {
  return q.sync(async (recs) => (await post('/sampling/batch', { events: recs.map((r) => r.ev) }, { quiet401: true })).results);
}
