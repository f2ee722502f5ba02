// An offline outbox for a phone screen (the sampling table, a door-to-door team): every
// entry is written to IndexedDB before the screen confirms it, and leaves only through a
// batch endpoint answering {"results":[{"id","status":"ok"|"duplicate"|"rejected",…}]}.
// The entry's client id makes a resend harmless (the server answers "duplicate"), so a
// crash between sending and recording the answer loses and doubles nothing. One tab at a
// time sends (navigator.locks); every tab hears of changes through a BroadcastChannel.
import { post } from '../api.js';

const BATCH = 200;

function req(r) {
  return new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
}
function done(tx) {
  return new Promise((resolve, reject) => { tx.oncomplete = () => resolve(); tx.onerror = () => reject(tx.error); tx.onabort = () => reject(tx.error); });
}

/**
 * name: the IndexedDB database, lock and channel name; store: its object store;
 * endpoint and key: where a batch goes, as {[key]: [entry, …]}; indexes: extra fields
 * of a record to look entries up by (byIndex).
 */
export function createOutbox({ name, store, endpoint, key, indexes = [] }) {
  let dbp = null;
  const chan = 'BroadcastChannel' in self ? new BroadcastChannel(name) : null;
  const listeners = new Set();
  const changed = (local = true) => {
    for (const f of listeners) f();
    if (local && chan) chan.postMessage('changed');
  };
  if (chan) chan.onmessage = () => changed(false);

  function openDb() {
    if (!dbp) {
      dbp = new Promise((resolve, reject) => {
        const r = indexedDB.open(name, 1);
        r.onupgradeneeded = () => {
          const s = r.result.createObjectStore(store, { keyPath: 'seq', autoIncrement: true });
          s.createIndex('state', 'state');
          for (const i of indexes) s.createIndex(i, i);
        };
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    }
    return dbp;
  }

  /** Queues an entry durably (fields: its index values); resolves once IndexedDB has committed it. */
  async function enqueue(ev, fields = {}) {
    const db = await openDb();
    const tx = db.transaction(store, 'readwrite', { durability: 'strict' });
    const rec = { id: ev.id, ev, state: 'pending', ...fields, queued: Date.now() };
    const seq = await req(tx.objectStore(store).add(rec));
    await done(tx);
    changed();
    return { ...rec, seq };
  }

  async function pendingCount() {
    const db = await openDb();
    return req(db.transaction(store).objectStore(store).index('state').count('pending'));
  }

  /** The records whose index field equals value, oldest first. */
  async function byIndex(index, value) {
    const db = await openDb();
    return req(db.transaction(store).objectStore(store).index(index).getAll(value));
  }

  /** Every record, oldest first. */
  async function all() {
    const db = await openDb();
    return req(db.transaction(store).objectStore(store).getAll());
  }

  /** The newest records, for the log on screen. */
  async function recent(n = 12) {
    const db = await openDb();
    const out = [];
    const s = db.transaction(store).objectStore(store);
    await new Promise((resolve, reject) => {
      const c = s.openCursor(null, 'prev');
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
    const recs = await req(db.transaction(store).objectStore(store).index('state').getAll('pending', BATCH));
    return recs.sort((a, b) => a.seq - b.seq); // the server judges in the order sent
  }

  async function record(results, byId) {
    const db = await openDb();
    const tx = db.transaction(store, 'readwrite', { durability: 'strict' });
    const s = tx.objectStore(store);
    const outcome = [];
    for (const res of results) {
      const rec = byId.get(res.id);
      if (!rec) continue;
      // "duplicate": an earlier send (whose answer a crash or another tab took) reached the server
      rec.state = res.status;
      rec.result = res;
      if (res.warnings) rec.warnings = res.warnings;
      if (res.error) rec.error = res.error;
      rec.synced = Date.now();
      s.put(rec);
      outcome.push(rec);
    }
    await done(tx);
    return outcome;
  }

  /** Forgets entries the server answered more than maxAgeMs ago. Pending ones are never touched. */
  async function prune(maxAgeMs) {
    const db = await openDb();
    const tx = db.transaction(store, 'readwrite');
    const limit = Date.now() - maxAgeMs;
    const c = tx.objectStore(store).openCursor();
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
   *  entries answered (with their state, warnings, error); throws ApiError when it cannot. */
  async function sync() {
    if (syncing) return [];
    syncing = true;
    try {
      const run = async () => {
        const answered = [];
        for (;;) {
          const batch = await pendingBatch();
          if (!batch.length) return answered;
          const byId = new Map(batch.map((r) => [r.id, r]));
          const resp = await post(endpoint, { [key]: batch.map((r) => r.ev) }, { quiet401: true });
          answered.push(...await record(resp.results || [], byId));
          changed();
        }
      };
      if (navigator.locks) {
        let out = [];
        await navigator.locks.request(`${name}-sync`, { ifAvailable: true }, async (lock) => { if (lock) out = await run(); });
        return out;
      }
      return await run();
    } finally {
      syncing = false;
    }
  }

  return { onChange: (f) => listeners.add(f), openDb, enqueue, pendingCount, byIndex, all, recent, prune, sync };
}
