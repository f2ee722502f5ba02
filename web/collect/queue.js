// The sampling table's outbox (js/lib/outbox.js): events go out through
// POST /api/v1/sampling/batch, looked up here by tube and by person.
import { createOutbox } from '../js/lib/outbox.js';

const box = createOutbox({ name: 'fx-collect', store: 'events', endpoint: '/sampling/batch', key: 'events', indexes: ['tube', 'who'] });

export const { onChange, openDb, pendingCount, recent, prune, sync } = box;

/** Queues an event durably; resolves once IndexedDB has committed it. */
export function enqueue(ev, { who = '' } = {}) { return box.enqueue(ev, { tube: ev.tube || '', who }); }

/** The events of one tube (samples counted in it), oldest first. */
export function tubeEvents(tube) { return box.byIndex('tube', tube); }

/** Has this person (id_number or code) been sampled in this round on this device already? */
export async function seenPerson(who) {
  return (await box.byIndex('who', who)).some((r) => r.state !== 'rejected');
}
