// Door-to-door sweeps for officers and workstation staff: the campaigns with their
// progress; a new campaign over an area with a question set (the standard one is preset); one campaign's
// progress per team (refreshed while open), the split among teams (again for the doors
// not yet knocked at) and each team's remaining households.
import { h, clear, pageHead, table, loading, toast, uid } from '../dom.js';
import { t, fmtNum, fmtTime } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { openPicker } from '../area-picker.js';
import { state } from '../state.js';
import { pct } from '../round/common.js';
import { exportLinks } from './areas.js';

const REFRESH_MS = 15000;

/** A progress bar with its percent: done of households. */
export function sweepBar(p, name) {
  const v = pct(p.done, p.households);
  return h('span', { class: 'cover' },
    h('progress', { max: Math.max(1, p.households), value: p.done, 'aria-label': t('sweep.bar', { name, p: v }) }),
    h('span', { class: 'cover-pct', text: `${fmtNum(v)}%` }));
}

function createForm(onDone) {
  const id = uid('sw');
  let area = state.area || null;
  const name = h('input', { type: 'text', id: `${id}-n`, name: 'name', maxlength: 100, required: true, autocomplete: 'off' });
  const areaText = h('span', { id: `${id}-a`, text: area ? area.name : t('sweep.no_area') });
  const pick = h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'sweep-pick-area', i18n: 'sweep.pick_area',
    onclick: () => openPicker((a) => { area = a; areaText.textContent = a.name; pick.focus(); }) });
  const qset = h('select', { id: `${id}-q`, name: 'questions', required: true });
  const msg = h('div', { 'aria-live': 'assertive' });
  const fillSets = async () => {
    const r = await get('/sweep-questions', { limit: 200 });
    clear(qset).append(...r.items.map((q) => h('option', { value: String(q.id), text: t('sweep.qset_option', { name: q.name, version: q.version, n: q.count }) })));
  };
  const form = h('form', { class: 'card form', id: 'sweep-create', novalidate: true, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h`, i18n: 'sweep.create' }),
    h('div', { class: 'field' }, h('label', { for: `${id}-n`, class: 'req', i18n: 'sweep.name' }), name),
    h('div', { class: 'field' }, h('span', { class: 'label req', i18n: 'common.area' }), h('div', null, areaText, ' ', pick)),
    h('div', { class: 'field' }, h('label', { for: `${id}-q`, class: 'req', i18n: 'sweep.questions' }), qset),
    msg, h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'sweep.create_submit' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    if (!name.value.trim()) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'sweep.name_required' })); name.focus(); return; }
    if (!area) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'sweep.area_required' })); pick.focus(); return; }
    if (!qset.value) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'sweep.questions_required' })); qset.focus(); return; }
    try {
      const k = await post('/sweeps', { name: name.value.trim(), area: area.code, questions: Number(qset.value) });
      toast('sweep.created', { name: k.name, n: k.progress.households });
      location.hash = `#/sweeps/${k.id}`;
      onDone();
    } catch (err) { msg.append(errorBox(err)); }
  });
  fillSets().catch((err) => msg.append(errorBox(err)));
  return form;
}

async function listScreen(main, ctx) {
  const body = h('div', { 'aria-live': 'polite' });
  main.append(pageHead('sweep.title'), h('section', { class: 'card', id: 'sweeps', 'aria-labelledby': 'sweeps-h' },
    h('h2', { id: 'sweeps-h', i18n: 'sweep.list' }), body));
  const load = async () => {
    clear(body).append(loading());
    const r = await get('/sweeps', { limit: 200 }, { signal: ctx.signal });
    clear(body);
    if (!r.items.length) { body.append(h('p', { class: 'empty', i18n: 'sweep.none' })); return; }
    body.append(table([
      { key: 'sweep.name', cell: (k) => h('a', { href: `#/sweeps/${k.id}`, text: k.name }) },
      { key: 'common.area', cell: (k) => k.area_name },
      { key: 'sweep.households', cell: (k) => fmtNum(k.progress.households) },
      { key: 'sweep.done', cell: (k) => sweepBar(k.progress, k.name) },
      { key: 'sweep.remaining', cell: (k) => fmtNum(k.progress.remaining) },
      { key: 'sweep.revisit', cell: (k) => fmtNum(k.progress.revisit) },
      { key: 'common.created_at', cell: (k) => fmtTime(k.created_at) },
    ], r.items, { caption: 'sweep.list' }));
  };
  if (['admin', 'officer', 'staff'].includes(state.user.role)) main.append(createForm(() => {}));
  await load();
}

/* ---- one campaign ---- */

function tiles(k) {
  const p = k.progress;
  const tile = (key, n, alert) => h('div', { class: `tile${alert ? ' tile-alert' : ''}`, dataset: { count: key } },
    h('span', { class: 'n', text: fmtNum(n) }), h('span', { class: 'l', i18n: `sweep.${key}` }));
  return h('div', { class: 'tiles', id: 'sweep-tiles' }, tile('households', p.households), tile('done', p.done), tile('remaining', p.remaining),
    tile('revisit', p.revisit, p.revisit > 0), tile('refused', p.refused), tile('follow_up', p.follow_up, p.follow_up > 0),
    tile('unassigned', k.unassigned, k.unassigned > 0));
}

/** The doors of a team still to knock at (never visited, or nobody home). */
async function remainingOf(team, el) {
  clear(el).append(loading());
  const r = await get(`/sweep-teams/${team.id}/households`, { limit: 5000 });
  const open = r.items.filter((d) => !d.outcome || d.outcome === 'nobody_home');
  clear(el).append(open.length
    ? h('ol', { class: 'remaining-list' }, open.map((d) => h('li', { dataset: { household: d.id } },
      h('a', { href: `#/households/${d.id}`, text: d.address || d.room }),
      d.outcome ? [' ', h('span', { class: 'badge badge-warn', i18n: 'sweep.outcome.nobody_home' })] : null)))
    : h('p', { class: 'empty', i18n: 'sweep.team_finished' }));
}

function teamsTable(k) {
  if (!k.teams.length) return h('p', { class: 'empty', i18n: 'sweep.no_teams' });
  return table([
    { key: 'sweep.team', cell: (tm) => h('strong', { text: tm.name }) },
    { key: 'sweep.leader', cell: (tm) => tm.leader },
    { key: 'sweep.members', cell: (tm) => tm.members.join(t('sweep.list_sep')) },
    { key: 'sweep.households', cell: (tm) => fmtNum(tm.progress.households) },
    { key: 'sweep.done', cell: (tm) => sweepBar(tm.progress, tm.name) },
    { key: 'sweep.remaining', cell: (tm) => h('span', { dataset: { remaining: tm.id }, text: fmtNum(tm.progress.remaining) }) },
    { key: 'sweep.revisit', cell: (tm) => fmtNum(tm.progress.revisit) },
    { key: 'sweep.remaining_doors', cell: (tm) => {
      const el = h('div');
      const d = h('details', { dataset: { team: tm.id } }, h('summary', { i18n: 'sweep.show_remaining' }), el);
      d.addEventListener('toggle', () => { if (d.open) remainingOf(tm, el).catch((err) => clear(el).append(errorBox(err))); });
      return d;
    } },
  ], k.teams, { caption: 'sweep.teams' });
}

/** "Team 1: leader, member, member" per line (full-width colon and commas too) → teams. */
export function parseTeams(text) {
  const teams = [];
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/^([^:\uff1a]+)[:\uff1a](.*)$/);
    const people = m ? m[2].split(/[,\uff0c\u3001\s]+/).filter(Boolean) : [];
    if (!m || !people.length) return { error: i + 1 };
    teams.push({ name: m[1].trim(), leader: people[0], members: people.slice(1) });
  }
  return { teams };
}

function splitForm(k, onDone) {
  const id = uid('sp');
  const text = h('textarea', { id: `${id}-t`, name: 'teams', rows: 4, 'aria-describedby': `${id}-h`,
    value: k.teams.map((tm) => `${tm.name}: ${[tm.leader, ...tm.members.filter((m) => m !== tm.leader)].join(', ')}`).join('\n') });
  const msg = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: 'card form', id: 'sweep-split', novalidate: true, 'aria-labelledby': `${id}-l` },
    h('h2', { id: `${id}-l`, i18n: k.teams.length ? 'sweep.resplit' : 'sweep.split' }),
    h('label', { for: `${id}-t`, i18n: 'sweep.split_teams' }), text,
    h('p', { class: 'hint', id: `${id}-h`, i18n: 'sweep.split_hint' }), msg,
    h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'sweep.split_submit' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const parsed = parseTeams(text.value);
    if (parsed.error || !parsed.teams.length) {
      msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'sweep.split_bad_line', vars: { line: parsed.error || 1 } }));
      text.focus();
      return;
    }
    try {
      const r = await post(`/sweeps/${enc(k.id)}/split`, { teams: parsed.teams });
      toast('sweep.split_done', { n: r.teams.length });
      await onDone();
    } catch (err) { msg.append(errorBox(err)); }
  });
  return form;
}

async function campaignScreen(main, ctx) {
  const head = h('div');
  const body = h('div', { id: 'sweep-progress', 'aria-live': 'polite' });
  const updated = h('p', { class: 'muted', id: 'sweep-updated' });
  const splitSlot = h('div');
  const refresh = h('button', { type: 'button', class: 'btn btn-secondary', i18n: 'action.refresh' });
  main.append(head, updated, body, splitSlot);
  let first = true;
  const load = async () => {
    const k = await get(`/sweeps/${enc(ctx.params.id)}`, null, { signal: ctx.signal });
    if (first) {
      const mayWrite = ['admin', 'officer', 'staff'].includes(state.user.role);
      head.append(pageHead('sweep.campaign', { name: k.name }, refresh, mayWrite ? exportLinks({}, `/exports/sweeps/${k.id}`) : null),
        h('dl', { class: 'facts' }, h('dt', { i18n: 'common.area' }), h('dd', { text: `${k.area_name} (${k.area})` }),
          h('dt', { i18n: 'sweep.questions' }), h('dd', { text: t('sweep.qset_version', { name: k.questions.name, version: k.questions.version }) })));
      if (mayWrite) splitSlot.append(splitForm(k, load));
      first = false;
    }
    const open = new Set([...body.querySelectorAll('details[open]')].map((d) => d.dataset.team));
    clear(body).append(tiles(k), h('section', { class: 'card', id: 'sweep-teams', 'aria-labelledby': 'sweep-teams-h' },
      h('h2', { id: 'sweep-teams-h', i18n: 'sweep.teams' }), teamsTable(k)));
    for (const d of body.querySelectorAll('details')) if (open.has(d.dataset.team)) d.open = true;
    updated.textContent = t('sweep.updated', { time: fmtTime(Math.floor(Date.now() / 1000)) });
  };
  const reload = () => load().catch((err) => { if (err.name !== 'AbortError') clear(body).append(errorBox(err)); });
  refresh.addEventListener('click', reload);
  const timer = setInterval(reload, REFRESH_MS); // live: visits arrive from the teams' phones
  ctx.onCleanup(() => clearInterval(timer));
  await load();
}

export default {
  title: 'sweep.title',
  async render(main, ctx) {
    if (ctx.params.id) await campaignScreen(main, ctx);
    else await listScreen(main, ctx);
  },
};
