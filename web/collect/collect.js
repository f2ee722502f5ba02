// /collect — the sampling-table screen (contract: Pages). Scan a tube, then
// people; every scan is queued in IndexedDB (queue.js) and confirmed at once,
// whatever the network does; the queue goes to the server when it can.
import { t, tAny, applyI18n, fmtTime } from '../js/i18n.js';
import { get, post, ApiError } from '../js/api.js';
import { h, replace } from '../js/dom.js';
import { halfWidth, looksLikeId, checkIdNumber, checkPhone, checkRequired } from '../js/validate.js';
import * as queue from './queue.js';
import { renderStatus, sendLoop, bootPage, wireCamera } from '../js/offline/page.js';

const STATE_KEY = 'fx.collect.table';
const CTX_KEY = 'fx.collect.ctx';
const $ = (id) => document.getElementById(id);

function loadState() {
  try { return JSON.parse(localStorage.getItem(STATE_KEY)) || {}; } catch { return {}; }
}
function saveState(st) { localStorage.setItem(STATE_KEY, JSON.stringify(st)); }
function loadCtx() {
  try { return JSON.parse(localStorage.getItem(CTX_KEY)); } catch { return null; }
}

const now = () => Math.floor(Date.now() / 1000);
const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

function show(view) {
  for (const v of ['login-view', 'setup-view', 'work-view']) $(v).hidden = v !== view;
  const first = $(view).querySelector('input, select');
  if (view === 'work-view') $('scan').focus(); else if (first) first.focus();
}

/* ---- sound and voice: a short high tone for each person accepted, lower for a
 * warning, two low ones for a refusal ---- */
let actx = null;
function tone(freq, start, dur) {
  const o = actx.createOscillator();
  const g = actx.createGain();
  o.frequency.value = freq;
  g.gain.value = 0.15;
  o.connect(g).connect(actx.destination);
  o.start(actx.currentTime + start);
  o.stop(actx.currentTime + start + dur);
}
function beep(kind) {
  try {
    actx = actx || new AudioContext();
    if (kind === 'ok') tone(1046, 0, 0.09);
    else if (kind === 'warn') { tone(660, 0, 0.15); tone(660, 0.22, 0.15); } else { tone(220, 0, 0.25); tone(180, 0.32, 0.35); }
  } catch { /* no audio device */ }
}
function say(text) {
  if (!$('voice').checked || !('speechSynthesis' in window)) return;
  const u = new SpeechSynthesisUtterance(text);
  u.lang = document.documentElement.lang;
  speechSynthesis.cancel();
  speechSynthesis.speak(u);
}

/* ---- feedback: one region, coloured by outcome, timed from Enter ---- */
let scanStart = 0;
function feedback(kind, key, vars) {
  const el = $('feedback');
  el.className = `feedback feedback-${kind}`;
  replace(el, h('span', { class: 'fb-icon', 'aria-hidden': 'true', text: kind === 'ok' ? '\u2713' : '!' }),
    h('span', { i18n: key, vars }));
  el.dataset.seq = String(Number(el.dataset.seq) + 1);
  el.dataset.kind = kind;
  if (scanStart) el.dataset.ms = (performance.now() - scanStart).toFixed(1);
  scanStart = 0;
  beep(kind);
}

function serverNote(kind, key, vars) {
  replace($('server-note'), h('div', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, h('p', { i18n: key, vars })));
  beep(kind);
}

/* ---- the table's state on screen ---- */
async function tubeCount(tube) {
  if (!tube) return 0;
  return (await queue.tubeEvents(tube)).filter((r) => r.ev.type === 'sample' && r.state !== 'rejected').length;
}

async function render() {
  const st = loadState();
  const where = st.site ? t('collect.where', { site: st.siteName || st.site, table: st.table || 1, round: st.roundName || st.round }) : '';
  $('where').textContent = where;
  const n = st.tube ? await tubeCount(st.tube) : 0;
  const pool = st.tube ? (st.tubePool || st.pool) : (st.pool || 0);
  $('tube-code').textContent = st.tube || t('collect.no_tube');
  $('tube-count').textContent = String(n);
  $('tube-left').textContent = String(st.tube ? Math.max(pool - n, 0) : pool);
  $('scan-label').textContent = t(st.tube ? 'collect.scan_person' : 'collect.scan_tube');
  $('seal-btn').disabled = !st.tube;
  $('box-btn').disabled = !(st.sealed && st.sealed.length);
  document.body.dataset.mode = st.tube ? 'person' : 'tube';
  await renderCount();
  await renderLog();
}

let online = navigator.onLine;
async function renderCount() { renderStatus('collect', online, await queue.pendingCount()); }

function maskKey(p) {
  const s = p.id_number || p.code || '';
  return s.length > 8 ? `${s.slice(0, 4)}${'*'.repeat(s.length - 8)}${s.slice(-4)}` : s;
}

function outcomeText(rec) {
  if (rec.state === 'pending') return h('span', { class: 'badge badge-pending', i18n: 'collect.state.pending' });
  if (rec.state === 'rejected') {
    const code = rec.error && rec.error.code;
    return h('span', { class: 'badge badge-error', text: tAny([`collect.code.${code}`, `error.${code}`], null, (rec.error && rec.error.message) || code) });
  }
  const warn = (rec.warnings || []).map((w) => (typeof w === 'string' ? w : w.code));
  if (warn.length) return h('span', { class: 'badge badge-warn', text: warn.map((w) => tAny([`collect.warning.${w}`], null, w)).join(' · ') });
  return h('span', { class: 'badge badge-ok', i18n: `collect.state.${rec.state}` });
}

async function renderLog() {
  const recs = await queue.recent(12);
  replace($('log'), recs.map((r) => {
    const e = r.ev;
    const what = e.type === 'sample' ? maskKey(e.person) : (e.tube || e.box);
    return h('li', { class: `log-${r.state}` },
      h('span', { class: 'log-time', text: fmtTime(e.at) }),
      h('span', { class: 'log-type', i18n: `collect.type.${e.type}` }),
      h('span', { class: 'log-what', text: what }),
      outcomeText(r));
  }));
}

/* ---- sending ---- */
const trySync = sendLoop({
  prefix: 'collect',
  queue,
  send: () => queue.sync(),
  onAnswered: (answered) => {
    const refused = answered.filter((r) => r.state === 'rejected');
    const warned = answered.filter((r) => r.state === 'ok' && r.warnings && r.warnings.length);
    // the server's word on earlier scans goes under the scan's own confirmation, never over it
    if (refused.length) serverNote('error', 'collect.server_refused', { n: refused.length });
    else if (warned.some((r) => (r.warnings || []).some((w) => (w.code || w) === 'already_sampled'))) serverNote('warn', 'collect.server_already', { n: warned.length });
    else if (answered.length) replace($('server-note'));
  },
  setOnline: (on) => { online = on; },
  onLogin: () => show('login-view'),
  redraw: renderCount,
  idle: () => {},
});

/* ---- what a scan does ---- */
function idFrom(raw) {
  return halfWidth(raw).toUpperCase().replace(/\s+/g, '');
}

async function queueEvent(ev, who) {
  await queue.enqueue(ev, { who });
  trySync();
}

async function openTube(code) {
  const st = loadState();
  if (looksLikeId(code)) { feedback('error', 'collect.tube_first'); return; }
  if (!/^[\x21-\x7e]{1,64}$/.test(code)) { feedback('error', 'collect.bad_tube'); return; }
  await queueEvent({ id: newId(), type: 'tube_open', round: st.round, site: st.site, tube: code, pool_size: st.pool, at: now() });
  st.tube = code;
  st.tubePool = st.pool;
  saveState(st);
  feedback('ok', 'collect.tube_opened', { tube: code, n: st.pool });
}

async function samplePerson(raw, extra) {
  const st = loadState();
  const code = idFrom(raw);
  let person;
  if (looksLikeId(code) || extra) {
    const bad = checkIdNumber(code);
    if (bad) { feedback('error', bad); return false; }
    person = { id_number: code, ...extra };
  } else if (/^[A-Za-z0-9]{6,32}$/.test(code)) {
    person = { code };
  } else {
    feedback('error', /^\d+X?$/.test(code) ? 'reason.id_length' : 'collect.bad_code');
    return false;
  }
  const pool = st.tubePool || st.pool;
  const n = await tubeCount(st.tube);
  if (n >= pool) { feedback('error', 'collect.tube_full', { n: pool }); return false; }
  const who = `${st.round}|${person.id_number || person.code}`;
  const seen = await queue.seenPerson(who);
  await queueEvent({ id: newId(), type: 'sample', tube: st.tube, person, at: now() }, who);
  const left = pool - n - 1;
  if (seen) feedback('warn', 'collect.already', { n: n + 1 });
  else if (left === 0) feedback('ok', 'collect.accepted_full', { n: n + 1 });
  else feedback('ok', 'collect.accepted', { n: n + 1, left });
  say(String(n + 1));
  return true;
}

async function onScan(raw) {
  const code = halfWidth(raw).trim();
  if (!code) return;
  if (!loadState().tube) await openTube(code);
  else await samplePerson(code);
  await render();
}

async function sealTube() {
  const st = loadState();
  if (!st.tube) return;
  await queueEvent({ id: newId(), type: 'tube_seal', tube: st.tube, at: now() });
  st.sealed = [...(st.sealed || []), st.tube];
  const tube = st.tube;
  st.tube = null;
  saveState(st);
  feedback('ok', 'collect.sealed', { tube });
  await render();
  $('scan').focus();
}

/* ---- manual entry: an ID number is checked as it is typed ---- */
function checkAsTyped() {
  const v = idFrom($('scan').value);
  const out = $('scan-check');
  out.className = 'scan-check';
  if (document.body.dataset.mode !== 'person' || !/^\d/.test(v)) { out.textContent = ''; return; }
  if (v.length < 15 || (v.length > 15 && v.length < 18)) {
    out.textContent = /^\d+X?$/.test(v) ? t('collect.typed', { n: v.length }) : t('reason.id_chars');
    if (!/^\d+X?$/.test(v)) out.classList.add('bad');
    return;
  }
  const bad = checkIdNumber(v);
  out.textContent = bad ? t(bad) : t('collect.id_ok');
  out.classList.add(bad ? 'bad' : 'good');
}

/* ---- walk-ins and boxes ---- */
function fieldCheck(input, out, fn) {
  const bad = fn(input.value);
  out.textContent = bad ? t(bad) : '';
  input.setAttribute('aria-invalid', bad ? 'true' : 'false');
  return !bad;
}

function setupWalkin() {
  const dlg = $('walkin-dialog');
  const id = $('walkin-id'); const phone = $('walkin-phone'); const name = $('walkin-name');
  const checkId = () => fieldCheck(id, $('walkin-id-check'), (v) => checkIdNumber(v));
  const checkTel = () => fieldCheck(phone, $('walkin-phone-check'), (v) => checkRequired(v) || checkPhone(v));
  id.addEventListener('input', () => { if (id.value.length >= 15) checkId(); });
  phone.addEventListener('blur', checkTel);
  $('walkin-btn').addEventListener('click', () => {
    if (!loadState().tube) { feedback('error', 'collect.tube_first'); return; }
    $('walkin-form').reset();
    dlg.showModal();
    name.focus();
  });
  $('walkin-cancel').addEventListener('click', () => dlg.close());
  $('walkin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const okName = !checkRequired(name.value);
    name.setAttribute('aria-invalid', okName ? 'false' : 'true');
    if (!(checkId() && checkTel() && okName)) return;
    dlg.close();
    await samplePerson(id.value, { name: name.value.trim(), phone: halfWidth(phone.value) });
    await render();
    $('scan').focus();
  });
}

function setupBox() {
  const dlg = $('box-dialog');
  $('box-btn').addEventListener('click', () => {
    const st = loadState();
    $('box-form').reset();
    replace($('box-check'));
    replace($('box-tubes'), (st.sealed || []).map((tube, i) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', value: tube, checked: true, id: `box-tube-${i}` }), ` ${tube}`)));
    dlg.showModal();
    $('box-code').focus();
  });
  $('box-cancel').addEventListener('click', () => dlg.close());
  $('box-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = halfWidth($('box-code').value); const seal = halfWidth($('box-seal').value);
    const tubes = [...$('box-tubes').querySelectorAll('input:checked')].map((i) => i.value);
    if (!box || !seal || !tubes.length) { $('box-check').textContent = t('collect.box_incomplete'); return; }
    dlg.close();
    await queueEvent({ id: newId(), type: 'box_seal', box, seal, tubes, at: now() });
    const st = loadState();
    st.sealed = (st.sealed || []).filter((x) => !tubes.includes(x));
    saveState(st);
    feedback('ok', 'collect.boxed', { box, n: tubes.length });
    await render();
    $('scan').focus();
  });
}

/* ---- a phone's camera, where the browser reads barcodes itself ---- */
/* ---- choosing the table ---- */
function fillSetup(ctx) {
  const st = loadState();
  const sites = (ctx && ctx.sites) || [];
  const siteSel = $('setup-site'); const roundSel = $('setup-round');
  replace(siteSel, sites.map((s) => h('option', { value: s.id, text: s.name, selected: String(s.id) === String(st.site) })));
  const fillRounds = () => {
    const s = sites.find((x) => String(x.id) === siteSel.value);
    const rounds = s ? s.rounds : [];
    replace(roundSel, rounds.map((r) => h('option', { value: r.id, text: r.name, selected: String(r.id) === String(st.round), dataset: { pool: r.pool_size } })));
    const opt = roundSel.selectedOptions[0];
    if (opt) $('setup-pool').value = String(st.round && String(st.round) === opt.value && st.pool ? st.pool : opt.dataset.pool);
    $('setup-hint').dataset.i18n = !sites.length ? 'collect.no_sites' : (!rounds.length ? 'collect.no_rounds' : 'collect.setup_hint');
    applyI18n($('setup-hint'));
  };
  siteSel.onchange = fillRounds;
  roundSel.onchange = () => { const o = roundSel.selectedOptions[0]; if (o) $('setup-pool').value = o.dataset.pool; };
  fillRounds();
  if (st.table) $('setup-table').value = st.table;
}

async function loadContext() {
  try {
    const ctx = await get('/collect/context', null, { quiet401: true });
    localStorage.setItem(CTX_KEY, JSON.stringify(ctx));
    online = true;
    return ctx;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) throw err;
    online = false;
    return loadCtx();
  }
}

async function start() {
  const st = loadState();
  let ctx;
  try {
    ctx = await loadContext();
  } catch {
    show('login-view');
    return;
  }
  fillSetup(ctx);
  if (st.site && st.round) { show('work-view'); } else show('setup-view');
  await render();
}

function wire() {
  $('setup-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const siteOpt = $('setup-site').selectedOptions[0]; const roundOpt = $('setup-round').selectedOptions[0];
    if (!siteOpt || !roundOpt) return;
    const st = loadState();
    Object.assign(st, {
      site: Number(siteOpt.value), siteName: siteOpt.textContent, round: Number(roundOpt.value), roundName: roundOpt.textContent,
      table: Number($('setup-table').value) || 1, pool: Number($('setup-pool').value),
    });
    saveState(st);
    show('work-view');
    await render();
  });
  $('scan-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = $('scan');
    const v = input.value;
    input.value = '';
    $('scan-check').textContent = '';
    if (!scanStart) scanStart = performance.now();
    await onScan(v);
    input.focus();
  });
  // Enter from a keyboard-wedge scanner: the clock starts at the key, before the form's submit
  $('scan').addEventListener('keydown', (e) => { if (e.key === 'Enter') scanStart = performance.now(); });
  $('scan').addEventListener('input', checkAsTyped);
  $('seal-btn').addEventListener('click', sealTube);
  // the queue in front of the table: what the public page's wait is estimated from (online only)
  $('queue-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const note = $('queue-note');
    const n = Number($('queue-len').value);
    if ($('queue-len').value === '' || !Number.isInteger(n) || n < 0) { note.dataset.i18n = 'collect.queue_bad'; applyI18n(note); return; }
    try {
      await post(`/sites/${loadState().site}/queue`, { length: n });
      note.dataset.i18n = 'collect.queue_sent';
    } catch {
      note.dataset.i18n = 'collect.queue_failed';
    }
    applyI18n(note);
  });
  $('change-btn').addEventListener('click', () => { fillSetup(loadCtx()); show('setup-view'); });
  setupWalkin();
  setupBox();
  wireCamera(async (v) => { scanStart = performance.now(); await onScan(v); }, () => feedback('error', 'collect.camera_denied'));
  queue.onChange(() => render()); // a refusal from the server changes the tube's count too
  window.addEventListener('storage', (e) => { if (e.key === STATE_KEY) render(); });
}

// The service worker's scope is /collect/: the page lives there.
bootPage({
  scope: '/collect/',
  shell: { title: 'collect.title', unsynced: 'collect.unsynced', loginTitle: 'collect.login_title', loginHint: 'collect.login_hint' },
  queue,
  keepMs: 3 * 86400 * 1000, // a round's events, never more
  wire,
  start,
  render,
  sync: trySync,
  setOnline: (on) => { online = on; renderCount(); },
});
