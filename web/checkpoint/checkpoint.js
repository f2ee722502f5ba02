// /checkpoint — the checkpoint staff's phone view (kakou). Each arrival is written to
// the phone's queue (js/offline/queue.js) before the screen confirms it, shown as
// "awaiting decision", and decided by the server's rules when it reaches the server
// (POST /checkpoints/{id}/entries, the entry's client id making a resend harmless;
// `at` is when it happened, so a late entry is judged by the rules of its time).
import { fmtHM } from '../js/i18n.js';
import { get, post, ApiError } from '../js/api.js';
import { h, replace } from '../js/dom.js';
import { describe } from '../js/errors.js';
import { halfWidth, looksLikeId, checkIdNumber, checkPhone } from '../js/validate.js';
import { createQueue } from '../js/offline/queue.js';
import { renderStatus, sendLoop, bootPage, wireCamera } from '../js/offline/page.js';

const queue = createQueue({ name: 'fx-checkpoint' });
const CP_KEY = 'fx.gate.checkpoint';
const LIST_KEY = 'fx.gate.checkpoints';
const HH_KEY = 'fx.gate.households';
const $ = (id) => document.getElementById(id);
const now = () => Math.floor(Date.now() / 1000);
const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);
const DECISION_TONE = { pass: 'ok', home_monitoring: 'warn', home_isolation: 'error', refer: 'error' };

function load(key, fallback) {
  try { return JSON.parse(localStorage.getItem(key)) ?? fallback; } catch { return fallback; }
}
const save = (key, v) => localStorage.setItem(key, JSON.stringify(v));

function show(view) {
  for (const v of ['login-view', 'setup-view', 'work-view']) $(v).hidden = v !== view;
  const first = $(view).querySelector('input, select');
  if (first) first.focus();
}

/* ---- what the screen says ---- */
function feedback(kind, key, vars) {
  const el = $('feedback');
  el.className = `feedback feedback-${kind}`;
  replace(el, h('span', { class: 'fb-icon', 'aria-hidden': 'true', text: kind === 'ok' ? '\u2713' : '!' }), h('span', { i18n: key, vars }));
  el.dataset.seq = String(Number(el.dataset.seq) + 1);
  el.dataset.kind = kind;
}

function whoText(body) {
  const p = body.person;
  if (p.name) return p.name;
  const n = p.id_number || p.code || '';
  return n.length > 4 ? `…${n.slice(-4)}` : n;
}

function decidedText(rec) {
  const a = rec.answer;
  return h('span', null, h('span', { i18n: `cp.decision.${a.decision}` }), a.risk_area ? ` · ${a.risk_area}` : '',
    a.request ? [' · ', h('span', { i18n: 'cpgate.request_made' })] : '',
    a.recall ? [' · ', h('span', { i18n: 'cpgate.recall_made' })] : a.pending_recall ? [' · ', h('span', { i18n: 'cpgate.recall_pending' })] : '');
}

function outcome(rec) {
  if (rec.state === 'pending') return h('span', { class: 'badge badge-pending', dataset: { state: 'pending' }, i18n: 'cpgate.awaiting' });
  if (rec.state === 'rejected') {
    const d = describe({ code: rec.error?.code, status: 400, serverMessage: rec.error?.message });
    return h('span', { class: 'badge badge-error', dataset: { state: 'rejected' }, title: rec.error?.message || '', text: d.what });
  }
  return h('span', { class: `badge badge-${DECISION_TONE[rec.answer.decision] || 'ok'}`, dataset: { state: rec.answer.decision } }, decidedText(rec));
}

async function renderLog() {
  const recs = await queue.recent(15);
  const cp = load(CP_KEY, null);
  replace($('log'), recs.filter((r) => !cp || r.ev.checkpoint === cp.id).map((r) => h('li', { dataset: { id: r.id } },
    h('span', { class: 'log-time', text: fmtHM(r.ev.body.at) }),
    h('span', { class: 'log-who', text: whoText(r.ev.body) }),
    outcome(r))));
}

let online = navigator.onLine;
async function renderCount() { renderStatus('cpgate', online, await queue.pendingCount()); }

async function render() {
  const cp = load(CP_KEY, null);
  $('where').textContent = cp ? cp.name : '';
  await Promise.all([renderLog(), renderCount()]);
}

/* ---- sending: one entry at a time, in the order made ---- */
function refusal(err) {
  return err instanceof ApiError && err.status >= 400 && err.status < 500 && ![401, 408, 429].includes(err.status);
}

async function send(recs) {
  const out = [];
  for (const rec of recs) {
    try {
      const a = await post(`/checkpoints/${rec.ev.checkpoint}/entries`, rec.ev.body, { quiet401: true });
      out.push({ id: rec.id, status: a.duplicate ? 'duplicate' : 'ok', answer: a });
    } catch (err) {
      if (refusal(err)) out.push({ id: rec.id, status: 'rejected', error: { code: err.code, message: err.serverMessage } });
      else if (out.length) return out; // the answered ones are kept; the rest wait
      else throw err;
    }
  }
  return out;
}

let lastQueued = '';
const trySync = sendLoop({
  prefix: 'cpgate',
  queue,
  send: () => queue.sync(send),
  onAnswered: (answered) => {
    const mine = answered.find((r) => r.id === lastQueued);
    if (mine && mine.answer) feedback(DECISION_TONE[mine.answer.decision] === 'ok' ? 'ok' : 'warn', `cpgate.decided.${mine.answer.decision}`, { who: whoText(mine.ev.body) });
    else if (mine && mine.state === 'rejected') feedback('error', 'cpgate.refused', { who: whoText(mine.ev.body) });
  },
  setOnline: (on) => { online = on; },
  onLogin: () => show('login-view'),
  redraw: render,
  idle: renderCount,
});

/* ---- an entry ---- */
function person(fail) {
  const raw = halfWidth($('e-person').value).toUpperCase().replace(/\s+/g, '');
  if ($('e-walkin').checked) {
    const bad = checkIdNumber(raw);
    if (!raw || bad) return fail('e-person', bad || 'cpgate.id_needed');
    const name = $('e-name').value.trim();
    if (!name) return fail('e-name', 'cpgate.name_needed');
    const phoneBad = $('e-phone').value.trim() ? checkPhone($('e-phone').value) : 'cpgate.phone_needed';
    if (phoneBad) return fail('e-phone', phoneBad);
    return { id_number: raw, name, phone: $('e-phone').value.trim() };
  }
  if (looksLikeId(raw)) {
    const bad = checkIdNumber(raw);
    return bad ? fail('e-person', bad) : { id_number: raw };
  }
  if (/^[A-Z0-9]{6,32}$/.test(raw)) return { code: raw };
  return fail('e-person', raw ? 'cpgate.bad_person' : 'cpgate.person_needed');
}

function householdId(fail) {
  const v = $('e-household').value.trim();
  if (!v) return 0;
  const hit = load(HH_KEY, { items: [] }).items.find((x) => x.address === v);
  return hit ? hit.id : fail('e-household', 'cpgate.household_unknown');
}

async function record(e) {
  e.preventDefault();
  replace($('entry-error'));
  for (const c of document.querySelectorAll('#entry-form .field-check')) c.textContent = '';
  let bad = null;
  const fail = (id, key) => { if (!bad) bad = { id, key }; return null; };
  const cp = load(CP_KEY, null);
  const p = person(fail);
  const household = householdId(fail);
  const tempRaw = $('e-temp').value.trim();
  const temperature = tempRaw === '' ? null : Number(tempRaw);
  if (temperature != null && !(temperature >= 34 && temperature <= 43)) fail('e-temp', 'cpgate.bad_temperature');
  if (bad) {
    replace($('entry-error'), h('p', { class: 'field-check', role: 'alert', i18n: bad.key }));
    $(bad.id).focus();
    return;
  }
  const id = newId();
  const body = {
    id, person: p, health_code: document.querySelector('input[name=code]:checked').value,
    cities: halfWidth($('e-cities').value).split(/[,;\s\u3001]+/).map((s) => s.trim()).filter(Boolean), at: now(),
  };
  if (temperature != null) body.temperature = temperature;
  for (const [k, el] of [['plate', 'e-plate'], ['purpose', 'e-purpose'], ['hardship', 'e-hardship']]) {
    const v = $(el).value.trim();
    if (v) body[k] = v;
  }
  if (household) body.household = household;
  await queue.enqueue({ id, checkpoint: cp.id, body });
  lastQueued = id;
  feedback('ok', 'cpgate.saved', { who: whoText(body) });
  $('entry-form').reset();
  $('walkin-fields').hidden = true;
  await render();
  $('e-person').focus();
  trySync();
}

/* ---- what the phone keeps for offline use: checkpoints and destination households ---- */
async function loadCheckpoints() {
  try {
    const r = await get('/checkpoints', { limit: 500 }, { quiet401: true });
    save(LIST_KEY, r.items);
    online = true;
    return r.items;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) throw err;
    online = false;
    return load(LIST_KEY, []);
  }
}

async function loadHouseholds(cp) {
  try {
    const r = await get('/households', { area: cp.area, limit: 500 }, { quiet401: true });
    save(HH_KEY, { checkpoint: cp.id, items: r.items.map((x) => ({ id: x.id, address: x.full_address || x.address })) });
  } catch { /* offline: the list kept from before */ }
  const kept = load(HH_KEY, { items: [] });
  replace($('households'), (kept.checkpoint === cp.id ? kept.items : []).map((x) => h('option', { value: x.address })));
}

function fillSetup(list) {
  const cur = load(CP_KEY, null);
  replace($('setup-cp'), list.map((k) => h('option', { value: k.id, selected: cur && cur.id === k.id, text: `${k.name} (${k.area})` })));
}

async function start() {
  let list;
  try { list = await loadCheckpoints(); } catch { show('login-view'); return; }
  fillSetup(list);
  const cp = load(CP_KEY, null);
  if (cp && list.some((k) => k.id === cp.id)) {
    show('work-view');
    await loadHouseholds(cp);
  } else show('setup-view');
  await render();
}

function wire() {
  $('setup-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const k = load(LIST_KEY, []).find((x) => String(x.id) === $('setup-cp').value);
    if (!k) return;
    save(CP_KEY, { id: k.id, name: k.name, area: k.area });
    show('work-view');
    await loadHouseholds(k);
    await render();
  });
  $('entry-form').addEventListener('submit', record);
  wireCamera((v) => { $('e-person').value = v; $('e-person').focus(); }, () => feedback('error', 'collect.camera_denied'));
  $('e-walkin').addEventListener('change', () => { $('walkin-fields').hidden = !$('e-walkin').checked; });
  $('change-btn').addEventListener('click', () => { fillSetup(load(LIST_KEY, [])); show('setup-view'); });
  queue.onChange(() => render());
}

// The service worker's scope is /checkpoint/: the page lives there.
bootPage({
  scope: '/checkpoint/',
  shell: { title: 'cpgate.title', unsynced: 'cpgate.unsynced', loginTitle: 'cpgate.login_title' },
  queue,
  keepMs: 3 * 86400 * 1000,
  wire,
  start,
  render,
  sync: trySync,
  setOnline: (on) => { online = on; renderCount(); },
});
