// A phone's durable outbox, shared by the offline pages (the sampling table,
// the checkpoint): each record is written to IndexedDB before the screen confirms
// it and leaves only through send(). Records carry the client id the server
// deduplicates by, so a resend after a crash between sending and recording the
// answer loses and doubles nothing. One tab at a time sends (navigator.locks);
// every tab hears of changes through a BroadcastChannel.
//
//   const q = createQueue({ name: 'fx-collect', indexes: ['tube', 'who'] });
//   await q.enqueue(ev, { tube, who });      // extra fields, indexed as named
//   await q.sync(async (records) => [{ id, status: 'ok'|'duplicate'|'rejected', warnings?, error?, answer? }]);
//
// The database is NAME, version 1, one store `events` (key seq, indexes state and
// the named ones): a page keeps its store's layout across versions of this file.

function req(r) {
  return new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
}
function done(tx) {
  return new Promise((resolve, reject) => { tx.oncomplete = () => resolve(); tx.onerror = () => reject(tx.error); tx.onabort = () => reject(tx.error); });
}

export function createQueue({ name, indexes = [], batch = 200 }) {
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
          const s = r.result.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
          s.createIndex('state', 'state');
          for (const i of indexes) s.createIndex(i, i);
        };
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    }
    return dbp;
  }

  /** Queues ev (whose id is its client id) durably; resolves once IndexedDB has committed it. */
  async function enqueue(ev, extra = {}) {
    const db = await openDb();
    const tx = db.transaction('events', 'readwrite', { durability: 'strict' });
    const rec = { ...extra, id: ev.id, ev, state: 'pending', queued: Date.now() };
    const seq = await req(tx.objectStore('events').add(rec));
    await done(tx);
    changed();
    return { ...rec, seq };
  }

  async function pendingCount() {
    const db = await openDb();
    return req(db.transaction('events').objectStore('events').index('state').count('pending'));
  }

  /** The records whose field index equals value, oldest first. */
  async function byIndex(index, value) {
    const db = await openDb();
    return req(db.transaction('events').objectStore('events').index(index).getAll(value));
  }

  /** The newest records, for the log on screen. */
  async function recent(n = 12) {
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
    const recs = await req(db.transaction('events').objectStore('events').index('state').getAll('pending', batch));
    return recs.sort((a, b) => a.seq - b.seq); // the server judges in the order made
  }

  async function record(results, byId) {
    const db = await openDb();
    const tx = db.transaction('events', 'readwrite', { durability: 'strict' });
    const store = tx.objectStore('events');
    const outcome = [];
    for (const res of results) {
      const rec = byId.get(res.id);
      if (!rec) continue;
      // "duplicate": an earlier send (whose answer a crash or another tab took) reached the server
      rec.state = res.status;
      for (const k of ['warnings', 'error', 'answer']) if (res[k]) rec[k] = res[k];
      rec.synced = Date.now();
      store.put(rec);
      outcome.push(rec);
    }
    await done(tx);
    return outcome;
  }

  /** Forgets records the server answered more than maxAgeMs ago; pending ones are never touched. */
  async function prune(maxAgeMs) {
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
  /** Sends what is pending, a batch at a time, while send() answers; returns the records
   *  answered. send(records) resolves to results by client id (a prefix of the batch is
   *  enough: the rest stay pending) or throws when it cannot reach the server. */
  async function sync(send) {
    if (syncing) return [];
    syncing = true;
    try {
      const run = async () => {
        const answered = [];
        for (;;) {
          const recs = await pendingBatch();
          if (!recs.length) return answered;
          const results = await send(recs);
          answered.push(...await record(results || [], new Map(recs.map((r) => [r.id, r]))));
          changed();
          if (!results || results.length < recs.length) return answered;
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

  return { openDb, onChange: (f) => listeners.add(f), enqueue, pendingCount, byIndex, recent, prune, sync };
}
