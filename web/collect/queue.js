// The sampling table's outbox: every event is written to IndexedDB before the
// screen confirms it, and leaves only through POST /api/v1/sampling/batch. The
// event's client id makes a resend harmless (the server answers "duplicate"), so
// a crash between sending and recording the answer loses and doubles nothing.
// One tab at a time sends (navigator.locks); every tab hears of changes through
// a BroadcastChannel.
import { post } from '../js/api.js';

const DB_NAME = 'fx-collect';
const BATCH = 200;
let dbp = null;
const chan = 'BroadcastChannel' in self ? new BroadcastChannel('fx-collect') : null;
const listeners = new Set();

export function onChange(f) { listeners.add(f); }
function changed(local = true) {
  for (const f of listeners) f();
  if (local && chan) chan.postMessage('changed');
}
if (chan) chan.onmessage = () => changed(false);

function req(r) {
  return new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
}
function done(tx) {
  return new Promise((resolve, reject) => { tx.oncomplete = () => resolve(); tx.onerror = () => reject(tx.error); tx.onabort = () => reject(tx.error); });
}

export function openDb() {
  if (!dbp) {
    dbp = new Promise((resolve, reject) => {
      const r = indexedDB.open(DB_NAME, 1);
      r.onupgradeneeded = () => {
        const s = r.result.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
        s.createIndex('state', 'state');
        s.createIndex('tube', 'tube');
        s.createIndex('who', 'who');
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }
  return dbp;
}

/** Queues an event durably; resolves once IndexedDB has committed it. */
export async function enqueue(ev, { who = '' } = {}) {
  const db = await openDb();
  const tx = db.transaction('events', 'readwrite', { durability: 'strict' });
  const rec = { id: ev.id, ev, state: 'pending', tube: ev.tube || '', who, queued: Date.now() };
  const seq = await req(tx.objectStore('events').add(rec));
  await done(tx);
  changed();
  return { ...rec, seq };
}

export async function pendingCount() {
  const db = await openDb();
  return req(db.transaction('events').objectStore('events').index('state').count('pending'));
}

/** The events of one tube (samples counted in it), oldest first. */
export async function tubeEvents(tube) {
  const db = await openDb();
  return req(db.transaction('events').objectStore('events').index('tube').getAll(tube));
}

/** Has this person (id_number or code) been sampled in this round on this device already? */
export async function seenPerson(who) {
  const db = await openDb();
  const recs = await req(db.transaction('events').objectStore('events').index('who').getAll(who));
  return recs.some((r) => r.state !== 'rejected');
}

/** The newest events, for the log on screen. */
export async function recent(n = 12) {
  const db = await openDb();
  const out = [];
  const store = db.transaction('events').objectStore('events');
  await new Promise((resolve, reject) => {
    const c = store.openCursor(null, 'prev');
    c.onsuccess = () => {
      const cur = c.result;
      if (!cur || out.length >= n) { resolve(); return; }
      out.push(cur.value);
      cur.continue();
    };
    c.onerror = () => reject(c.error);
  });
  return out;
}

async function pendingBatch() {
  const db = await openDb();
  const idx = db.transaction('events').objectStore('events').index('state');
  const recs = await req(idx.getAll('pending', BATCH));
  return recs.sort((a, b) => a.seq - b.seq); // the server judges in the order sent: opens before samples
}

async function record(results, bySeq) {
  const db = await openDb();
  const tx = db.transaction('events', 'readwrite', { durability: 'strict' });
  const store = tx.objectStore('events');
  const outcome = [];
  for (const res of results) {
    const rec = bySeq.get(res.id);
    if (!rec) continue;
    // "duplicate": an earlier send (whose answer a crash or another tab took) reached the server
    rec.state = res.status;
    if (res.warnings) rec.warnings = res.warnings;
    if (res.error) rec.error = res.error;
    rec.synced = Date.now();
    store.put(rec);
    outcome.push(rec);
  }
  await done(tx);
  return outcome;
}

/** Forgets events the server answered more than maxAgeMs ago (the log shows the recent ones;
 *  the server keeps them all). Pending events are never touched. */
export async function prune(maxAgeMs) {
  const db = await openDb();
  const tx = db.transaction('events', 'readwrite');
  const limit = Date.now() - maxAgeMs;
  const c = tx.objectStore('events').openCursor();
  c.onsuccess = () => {
    const cur = c.result;
    if (!cur) return;
    if (cur.value.state !== 'pending' && cur.value.synced < limit) cur.delete();
    cur.continue();
  };
  await done(tx);
}

let syncing = false;
/** Sends what is pending, a batch at a time, while the server answers. Returns the
 *  events answered (with their state, warnings, error); throws ApiError when it cannot. */
export async function sync() {
  if (syncing) return [];
  syncing = true;
  try {
    const run = async () => {
      const answered = [];
      for (;;) {
        const batch = await pendingBatch();
        if (!batch.length) return answered;
        const bySeq = new Map(batch.map((r) => [r.id, r]));
        const resp = await post('/sampling/batch', { events: batch.map((r) => r.ev) }, { quiet401: true });
        answered.push(...await record(resp.results || [], bySeq));
        changed();
      }
    };
    if (navigator.locks) {
      let out = [];
      await navigator.locks.request('fx-collect-sync', { ifAvailable: true }, async (lock) => { if (lock) out = await run(); });
      return out;
    }
    return await run();
  } finally {
    syncing = false;
  }
}

