// /sweep — a door-to-door team member's phone page. The team's list is
// downloaded and kept on the phone; each visit is queued in IndexedDB (js/offline/queue.js)
// and shown at once as awaiting sync, whatever the network does; the queue goes to
// POST /api/v1/sweep-visits when it can, where the rules judge the answers. The queue,
// the header, login and service worker are the offline pages' (js/offline/).
import { t, tAny, fmtTime, currentLang } from '../js/i18n.js';
import { get, post, ApiError } from '../js/api.js';
import { h, replace } from '../js/dom.js';
import { createQueue } from '../js/offline/queue.js';
import { renderStatus, sendLoop, bootPage, alertBox } from '../js/offline/page.js';

const box = createQueue({ name: 'fx-sweep', indexes: ['team'] });
/** Sends queued visits as a batch; the server's word on each (decision, case, request) is kept as its answer. */
const sendVisits = async (recs) => (await post('/sweep-visits', { visits: recs.map((r) => r.ev) }, { quiet401: true })).results
  .map(({ id, status, error, ...answer }) => ({ id, status, error, answer }));
const TEAM_KEY = 'fx.sweep.team';
const listKey = (team) => `fx.sweep.list.${team}`;
const $ = (id) => document.getElementById(id);
const now = () => Math.floor(Date.now() / 1000);
const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);
const DONE = ['visited', 'refused', 'needs_follow_up'];

const load = (k) => { try { return JSON.parse(localStorage.getItem(k)); } catch { return null; } };
const save = (k, v) => localStorage.setItem(k, JSON.stringify(v));

let online = navigator.onLine;
let current = null; // the household being recorded

function show(view) {
  for (const v of ['login-view', 'teams-view', 'list-view', 'visit-view']) $(v).hidden = v !== view;
  const first = $(view).querySelector('input, select, button');
  if (first && view !== 'list-view') first.focus();
}


/* ---- the team and its list ---- */

async function loadTeams() {
  const r = await get('/sweep-teams', null, { quiet401: true });
  replace($('teams'), r.items.length ? r.items.map((tm) => h('li', null,
    h('button', { type: 'button', class: 'door', dataset: { team: tm.id }, onclick: () => pickTeam(tm) },
      h('span', { class: 'addr', text: `${tm.campaign_name} · ${tm.name}` }),
      h('span', { class: 'badge badge-pending', i18n: 'sweep.remaining_n', vars: { n: tm.progress.remaining } }))))
    : [h('li', { class: 'hint', i18n: 'sweep.no_team' })]);
}

async function pickTeam(tm) {
  save(TEAM_KEY, { id: tm.id, name: tm.name, campaign: tm.campaign_name });
  show('list-view');
  await download();
}

/** Downloads the team's list (every page) and keeps it on the phone. */
async function download() {
  const team = load(TEAM_KEY);
  if (!team) return;
  try {
    let cursor = null; let first = null; const items = [];
    do {
      const r = await get(`/sweep-teams/${team.id}/households`, { limit: 2000, cursor }, { quiet401: true });
      first = first || r;
      items.push(...r.items);
      cursor = r.next_cursor;
    } while (cursor);
    save(listKey(team.id), { fetched: Date.now(), team: first.team, campaign: first.campaign, questions: first.questions, items });
    online = true;
    replace($('sync-error'));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 0) online = false;
    else if (err.status === 401) { show('login-view'); return; } else replace($('sync-error'), alertBox(err, 'warn'));
  }
  await render();
}

/** Each door as the phone knows it: the server's last outcome, or a newer visit made here. */
async function doors(list) {
  const recs = (await box.byIndex('team', list.team.id)).filter((r) => r.state !== 'rejected');
  const latest = new Map();
  for (const r of recs) {
    const cur = latest.get(r.household);
    if (!cur || r.ev.at >= cur.ev.at) latest.set(r.household, r);
  }
  return list.items.map((d) => {
    const r = latest.get(d.id);
    if (r && (!d.outcome || r.ev.at >= d.last_at)) return { ...d, outcome: r.ev.outcome, pending: r.state === 'pending' };
    return { ...d, pending: false };
  });
}

function tally(key, n) {
  return h('div', { class: 'tally', dataset: { tally: key } }, h('span', { class: 'small-label', i18n: `sweep.tally.${key}` }),
    h('span', { class: 'big-num', text: String(n) }));
}

async function render() {
  await renderCount();
  const team = load(TEAM_KEY);
  const list = team && load(listKey(team.id));
  $('where').textContent = team ? `${team.campaign} · ${team.name}` : '';
  if (!list) { replace($('doors'), h('li', { class: 'hint', i18n: online ? 'common.loading' : 'sweep.no_list_offline' })); return; }
  const ds = await doors(list);
  const done = ds.filter((d) => DONE.includes(d.outcome)).length;
  replace($('tallies'), tally('done', done), tally('remaining', ds.length - done),
    tally('revisit', ds.filter((d) => d.outcome === 'nobody_home').length));
  $('list-age').textContent = t('sweep.list_age', { time: fmtTime(Math.floor(list.fetched / 1000)) });
  replace($('doors'), ds.map((d) => h('li', null,
    h('button', { type: 'button', class: `door${DONE.includes(d.outcome) ? ' door-done' : ''}${d.pending ? ' door-pending' : ''}`,
      dataset: { household: d.id, outcome: d.outcome || '' }, onclick: () => openVisit(list, d) },
    h('span', { class: 'addr', text: d.address || d.room }),
    d.outcome ? h('span', { class: `badge ${d.outcome === 'nobody_home' ? 'badge-revisit' : 'badge-ok'}`, i18n: `sweep.outcome.${d.outcome}` }) : null,
    d.pending ? h('span', { class: 'badge badge-pending', i18n: 'sweep.awaiting_sync' }) : null))));
}

async function renderCount() { renderStatus('collect', online, await box.pendingCount()); }

/* ---- recording a visit ---- */

const label = (q) => (currentLang() === 'en' && q.label_en ? q.label_en : q.label);

function questionField(q) {
  const id = `q-${q.key}`;
  const lab = h('label', { for: id, text: `${label(q)}${q.required ? ` (${t('sweep.required')})` : ''}` });
  let input;
  if (q.type === 'bool') {
    input = h('input', { type: 'checkbox', id, dataset: { key: q.key } });
    return h('div', { class: 'q-check' }, input, lab);
  }
  if (q.type === 'choice') {
    input = h('select', { id, dataset: { key: q.key } }, h('option', { value: '', i18n: 'sweep.choose' }),
      q.options.map((o) => h('option', { value: o, text: q.feeds === 'health_code' ? t(`sweep.code.${o}`) : o })));
  } else if (q.type === 'number') {
    input = h('input', { type: 'number', id, step: 'any', inputmode: 'decimal', dataset: { key: q.key } });
  } else if (q.type === 'date') {
    input = h('input', { type: 'date', id, dataset: { key: q.key } });
  } else {
    input = h('input', { type: 'text', id, maxlength: 400, autocomplete: 'off', dataset: { key: q.key } });
    if (q.type === 'places') input.setAttribute('placeholder', t('sweep.places_hint'));
  }
  return h('div', { class: 'form' }, lab, input);
}

function openVisit(list, d) {
  current = { list, door: d };
  $('visit-title').textContent = d.address || d.room;
  $('visit-residents').textContent = d.residents.length ? t('sweep.residents', { names: d.residents.map((p) => p.name).join(t('sweep.list_sep')) }) : '';
  replace($('questions'), list.questions.questions.map(questionField));
  replace($('visit-person'), h('option', { value: '', i18n: 'sweep.person_none' }),
    d.residents.map((p) => h('option', { value: String(p.id), text: p.name })));
  for (const r of document.querySelectorAll('input[name=outcome]')) r.checked = false;
  $('visit-note').value = '';
  replace($('visit-error'));
  show('visit-view');
}

function fieldError(key, vars, focus) {
  replace($('visit-error'), h('p', { class: 'field-msg', role: 'alert', i18n: key, vars }));
  if (focus) focus.focus();
}

/** The answers as the server wants them; null (after showing why) when one is missing or wrong. */
function readAnswers(questions, opened) {
  const answers = {};
  for (const q of questions) {
    const el = $(`q-${q.key}`);
    let v;
    if (q.type === 'bool') v = el.checked;
    else if (el.value.trim() === '') v = undefined;
    else if (q.type === 'number') v = Number(el.value);
    else if (q.type === 'places') v = el.value.split(/[,;\s\uff0c\u3001\uff1b]+/).filter(Boolean);
    else v = el.value.trim();
    if (q.type === 'number' && v !== undefined && !Number.isFinite(v)) { fieldError('sweep.bad_number', { field: label(q) }, el); return null; }
    if (v === undefined || (q.type === 'bool' && !v && !q.required)) {
      if (q.required && opened) { fieldError('sweep.missing', { field: label(q) }, el); return null; }
      continue;
    }
    answers[q.key] = v;
  }
  return answers;
}

async function saveVisit(e) {
  e.preventDefault();
  const outcome = document.querySelector('input[name=outcome]:checked');
  if (!outcome) { fieldError('sweep.pick_outcome', null, document.querySelector('input[name=outcome]')); return; }
  const opened = outcome.value === 'visited' || outcome.value === 'needs_follow_up';
  const { list, door } = current;
  const answers = opened ? readAnswers(list.questions.questions, true) : {};
  if (!answers) return;
  const ev = { id: newId(), team: list.team.id, household: door.id, outcome: outcome.value, answers, at: now() };
  if ($('visit-person').value) ev.person = Number($('visit-person').value);
  if ($('visit-note').value.trim()) ev.note = $('visit-note').value.trim();
  await box.enqueue(ev, { team: list.team.id, household: door.id });
  show('list-view');
  await render();
  document.querySelector(`[data-household="${door.id}"]`)?.focus();
  trySync();
}

/* ---- sending ---- */

const trySync = sendLoop({
  prefix: 'collect',
  queue: box,
  send: () => box.sync(sendVisits),
  onAnswered: async (answered) => {
    const refused = answered.filter((r) => r.state === 'rejected');
    const acted = answered.filter((r) => r.answer && (r.answer.isolation || r.answer.request || (r.answer.decision && r.answer.decision !== 'pass')));
    const made = (a) => (a.request ? t('sweep.request_made') : '') + (a.recall ? t('sweep.recall_made') : a.pending_recall ? t('sweep.recall_pending') : '');
    if (refused.length) {
      replace($('server-note'), h('div', { class: 'alert alert-error', role: 'alert' }, h('p', { i18n: 'sweep.server_refused', vars: { n: refused.length } }),
        refused.map((r) => h('p', { text: r.error ? tAny([`error.${r.error.code}`], null, '') : '' },
          h('span', { class: 'hint', text: r.error ? ` ${r.error.message}` : '' })))));
    } else if (acted.length) {
      replace($('server-note'), h('div', { class: 'alert alert-warn', role: 'status' }, acted.map((r) => h('p', {
        i18n: 'sweep.server_acted', vars: { decision: t(`sweep.decision.${r.answer.decision || 'pass'}`), request: made(r.answer) } }))));
    } else if (answered.length) replace($('server-note'));
    if (answered.length) await download();
  },
  setOnline: (on) => { online = on; },
  onLogin: () => show('login-view'),
  redraw: render,
  idle: renderCount,
});

/* ---- start ---- */

async function start() {
  try {
    await loadTeams();
    online = true;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401) { show('login-view'); return; }
    online = false; // offline: the team and list kept on the phone
  }
  if (load(TEAM_KEY)) {
    show('list-view');
    if (online) await download(); else await render();
  } else show('teams-view');
  await renderCount();
}

function wire() {
  $('refresh-btn').addEventListener('click', () => download());
  $('change-btn').addEventListener('click', async () => {
    show('teams-view');
    try { await loadTeams(); } catch (err) { if (err instanceof ApiError) replace($('teams'), h('li', null, alertBox(err, 'warn'))); }
  });
  $('visit-form').addEventListener('submit', saveVisit);
  $('visit-cancel').addEventListener('click', () => { show('list-view'); });
  box.onChange(() => render());
}

// The service worker's scope is /sweep/: the page lives there.
bootPage({
  scope: '/sweep/',
  shell: { title: 'sweep.title', unsynced: 'sweep.unsynced', loginTitle: 'sweep.login_title', bigLogin: true },
  queue: box,
  keepMs: 14 * 86400 * 1000, // a campaign's visits, never more
  wire,
  start,
  render,
  sync: trySync,
  setOnline: (on) => { online = on; renderCount(); },
});
