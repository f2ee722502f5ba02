// The duty roster: posts × days, each shift a bar in its day (name and hours), each
// gap in the required coverage a red band saying "gap 03:00–07:00", a person on two posts
// at once flagged on both bars, a shift over the limit marked. Below the grid the same in
// words. Officers add a post and a week of shifts at once; anyone may export the roster.
import { h, clear, pageHead, loading, toast } from '../dom.js';
import { t, fmtHM, fmtNum } from '../i18n.js';
import { get, post } from '../api.js';
import { errorBox } from '../errors.js';
import { state } from '../state.js';
import { download } from '../round/common.js';
import { POST_KINDS, canEditTeams, isoDate, dayStart, hmToMin, minToHM } from '../ops/roster.js';

const DAY = 86400;
const field = (id, key, input) => h('div', { class: 'field' }, h('label', { for: id, i18n: key }), input);
const err = (msg, key) => { clear(msg).append(h('p', { class: 'field-msg error', role: 'alert', i18n: key })); };

/** A bar or band's place within a day's track: [left %, width %], or null outside it. */
function place(from, to, d0) {
  const a = Math.max(from, d0); const b = Math.min(to, d0 + DAY);
  return b > a ? [((a - d0) * 100) / DAY, ((b - a) * 100) / DAY] : null;
}

/** Positions a bar through CSSOM (the page's CSP allows no inline style attributes). */
function placed(el, at, lane) {
  el.style.left = `${at[0]}%`;
  el.style.width = `${at[1]}%`;
  if (lane) el.style.top = `${lane * 1.8}rem`;
  return el;
}

function coverText(p) {
  return p.cover_from === 0 && p.cover_to === 1440 ? t('roster.cover_24h', { n: p.persons })
    : t('roster.cover_hours', { from: minToHM(p.cover_from), to: minToHM(p.cover_to), n: p.persons });
}

function grid(posts, days, shifts, check) {
  const flagged = new Map(); // shift id → overlap text
  for (const o of check.overlaps) { flagged.set(o.a.id, o); flagged.set(o.b.id, o); }
  const long = new Set(check.long.map((l) => l.shift.id));
  const head = h('tr', null, h('th', { scope: 'col', i18n: 'roster.post' }),
    days.map((d0) => h('th', { scope: 'col', text: isoDate(d0).slice(5) })));
  const rows = posts.map((p) => h('tr', { dataset: { post: p.id } },
    h('th', { scope: 'row' }, h('span', { class: 'post-name', text: p.name }), h('span', { class: 'muted small', text: ` ${t(`roster.kind.${p.kind}`)} · ${coverText(p)}` })),
    days.map((d0) => {
      const track = h('div', { class: 'track' });
      const laneEnds = []; // shifts at once (a post for two, an overlap) go in lanes one below the other
      for (const s of shifts.filter((x) => x.post === p.id)) {
        const at = place(s.start, s.end, d0);
        if (!at) continue;
        let lane = laneEnds.findIndex((end) => end <= s.start);
        if (lane < 0) lane = laneEnds.push(0) - 1;
        laneEnds[lane] = s.end;
        const o = flagged.get(s.id);
        const cls = `bar${o ? ' bar-overlap' : ''}${long.has(s.id) ? ' bar-long' : ''}`;
        track.append(placed(h('div', { class: cls, dataset: { shift: s.id },
          title: `${s.name} ${fmtHM(s.start)}–${fmtHM(s.end)}${o ? ` · ${t('roster.flag_overlap', { text: o.text })}` : ''}` },
        o ? h('span', { class: 'flag', 'aria-hidden': 'true', text: '⚠' }) : null,
        h('span', { text: `${s.name} ${fmtHM(s.start)}–${fmtHM(s.end)}` })), at, lane));
      }
      track.classList.add(`lanes-${Math.min(laneEnds.length, 4)}`);
      for (const g of check.gaps.filter((x) => x.post === p.id)) {
        const at = place(g.from, g.to, d0);
        if (!at) continue;
        const a = Math.max(g.from, d0); const b = Math.min(g.to, d0 + DAY);
        track.append(placed(h('div', { class: 'gap', dataset: { gap: g.text } },
          h('span', { i18n: 'roster.gap_band', vars: { from: fmtHM(a), to: b === d0 + DAY ? '24:00' : fmtHM(b) } })), at));
      }
      return h('td', null, track);
    })));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'roster-grid', id: 'roster-grid' },
    h('caption', { class: 'sr-only', i18n: 'roster.grid' }), h('thead', null, head), h('tbody', null, rows)));
}

function findings(check) {
  const sec = h('section', { class: 'card', id: 'roster-findings', 'aria-labelledby': 'find-h' }, h('h2', { id: 'find-h', i18n: 'roster.findings' }));
  const n = check.gaps.length + check.overlaps.length + check.long.length;
  sec.append(h('p', { class: n ? 'alert alert-error' : 'alert alert-ok', role: 'status', id: 'roster-summary',
    i18n: n ? 'roster.summary' : 'roster.all_covered', vars: { gaps: fmtNum(check.gaps.length), overlaps: fmtNum(check.overlaps.length), long: fmtNum(check.long.length) } }));
  if (check.gaps.length) {
    sec.append(h('h3', { i18n: 'roster.gaps' }), h('ul', { id: 'gap-list' }, check.gaps.map((g) => h('li', null,
      h('strong', { text: g.post_name }), ' ', h('span', { i18n: 'roster.gap_line', vars: { text: g.text, on: g.on_duty, need: g.needed } })))));
  }
  if (check.overlaps.length) {
    sec.append(h('h3', { i18n: 'roster.overlaps' }), h('ul', { id: 'overlap-list' }, check.overlaps.map((o) => h('li', null,
      h('span', { i18n: 'roster.overlap_line', vars: { name: o.name, a: o.a.post_name, at: o.a.text, b: o.b.post_name, bt: o.b.text, text: o.text, min: o.minutes } })))));
  }
  if (check.long.length) {
    sec.append(h('h3', { i18n: 'roster.long' }), h('ul', { id: 'long-list' }, check.long.map((l) => h('li', null,
      h('span', { i18n: 'roster.long_line', vars: { name: l.shift.name, post: l.shift.post_name, text: l.shift.text, hours: l.hours, limit: l.limit_hours } })))));
  }
  return sec;
}

function postForm(teams, onDone) {
  const name = h('input', { type: 'text', id: 'post-name', name: 'name', maxlength: 100, autocomplete: 'off' });
  const kind = h('select', { id: 'post-kind', name: 'kind' }, POST_KINDS.map((k) => h('option', { value: k, i18n: `roster.kind.${k}` })));
  const team = h('select', { id: 'post-team', name: 'team' }, h('option', { value: '', i18n: 'roster.no_team' }), teams.map((x) => h('option', { value: x.id, text: x.name })));
  const area = h('input', { type: 'text', id: 'post-area', name: 'area', maxlength: 64, autocomplete: 'off', value: state.area ? state.area.code : '' });
  const from = h('input', { type: 'text', id: 'post-from', name: 'cover_from', maxlength: 5, value: '00:00', inputmode: 'numeric' });
  const to = h('input', { type: 'text', id: 'post-to', name: 'cover_to', maxlength: 5, value: '24:00', inputmode: 'numeric' });
  const persons = h('input', { type: 'number', id: 'post-persons', name: 'persons', min: 1, max: 20, value: 1 });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn' }, h('span', { i18n: 'roster.add_post' }));
  const form = h('form', { class: 'card', id: 'post-form', novalidate: true }, h('h2', { i18n: 'roster.new_post' }),
    h('div', { class: 'row' }, field('post-name', 'roster.post_name', name), field('post-kind', 'common.kind', kind), field('post-team', 'roster.team', team),
      field('post-area', 'common.area', area), field('post-from', 'roster.cover_from', from), field('post-to', 'roster.cover_to', to),
      field('post-persons', 'roster.persons', persons)), msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const f = hmToMin(from.value); const tt = hmToMin(to.value);
    if (!name.value.trim()) { err(msg, 'roster.name_required'); name.focus(); return; }
    if (f == null || f >= 1440 || tt == null || tt === 0 || f === tt) { err(msg, 'roster.bad_cover'); from.focus(); return; }
    btn.disabled = true;
    try {
      await post('/posts', { name: name.value.trim(), kind: kind.value, team: team.value ? Number(team.value) : undefined, area: area.value.trim(),
        cover_from: f, cover_to: tt, persons: Number(persons.value) || 1 });
      toast('roster.post_added', { name: name.value.trim() });
      name.value = '';
      await onDone();
    } catch (x) { msg.append(errorBox(x)); }
    btn.disabled = false;
  });
  return form;
}

/** A week of shifts at once: one person, one post, the same hours on N days. */
function shiftForm(posts, first, onDone) {
  const postSel = h('select', { id: 'sh-post', name: 'post' }, posts.map((p) => h('option', { value: p.id, text: p.name })));
  const member = h('select', { id: 'sh-member', name: 'member' });
  const date = h('input', { type: 'date', id: 'sh-date', name: 'date', value: isoDate(first) });
  const days = h('input', { type: 'number', id: 'sh-days', name: 'days', min: 1, max: 7, value: 7 });
  const from = h('input', { type: 'text', id: 'sh-from', name: 'from', maxlength: 5, value: '08:00', inputmode: 'numeric' });
  const to = h('input', { type: 'text', id: 'sh-to', name: 'to', maxlength: 5, value: '20:00', inputmode: 'numeric' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn' }, h('span', { i18n: 'roster.add_shifts' }));
  const fillMembers = async () => {
    const p = posts.find((x) => String(x.id) === postSel.value);
    clear(member);
    if (!p || !p.team) { member.append(h('option', { value: '', i18n: 'roster.post_has_no_team' })); return; }
    const team = await get(`/teams/${p.team}`);
    member.append(...team.items.map((m) => h('option', { value: m.id, text: m.name })));
  };
  postSel.addEventListener('change', () => fillMembers().catch((x) => msg.append(errorBox(x))));
  const form = h('form', { class: 'card', id: 'shift-form', novalidate: true }, h('h2', { i18n: 'roster.new_shifts' }),
    h('div', { class: 'row' }, field('sh-post', 'roster.post', postSel), field('sh-member', 'roster.person', member), field('sh-date', 'roster.first_day', date),
      field('sh-days', 'roster.days', days), field('sh-from', 'roster.from', from), field('sh-to', 'roster.to', to)),
    h('p', { class: 'muted small', i18n: 'roster.night_hint' }), msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const f = hmToMin(from.value); const tt = hmToMin(to.value); const n = Number(days.value);
    if (!member.value) { err(msg, 'roster.member_required'); return; }
    if (f == null || tt == null || f === tt) { err(msg, 'roster.bad_hours'); from.focus(); return; }
    if (!date.value || !(n >= 1 && n <= 7)) { err(msg, 'roster.bad_days'); days.focus(); return; }
    const d0 = dayStart(date.value);
    const list = [];
    for (let i = 0; i < n; i += 1) {
      const start = d0 + i * DAY + f * 60;
      list.push({ post: Number(postSel.value), member: Number(member.value), start, end: d0 + i * DAY + (tt <= f ? tt + 1440 : tt) * 60 });
    }
    btn.disabled = true;
    try {
      const r = await post('/shifts', { shifts: list });
      toast('roster.shifts_added', { n: r.added });
      await onDone();
    } catch (x) { msg.append(errorBox(x)); }
    btn.disabled = false;
  });
  fillMembers().catch((x) => msg.append(errorBox(x)));
  return form;
}

export default {
  title: 'roster.title',
  async render(main, ctx) {
    const teams = (await get('/teams', { limit: 500 }, { signal: ctx.signal })).items;
    const teamSel = h('select', { id: 'roster-team', name: 'team' }, h('option', { value: '', i18n: 'roster.all_teams' }),
      teams.map((x) => h('option', { value: x.id, text: x.name, selected: ctx.query.get('team') === String(x.id) })));
    const start = h('input', { type: 'date', id: 'roster-start', name: 'start', value: ctx.query.get('start') || isoDate(Date.now() / 1000) });
    const span = h('select', { id: 'roster-days', name: 'days' }, [7, 14].map((n) => h('option', { value: n, i18n: 'roster.n_days', vars: { n } })));
    const exportBtn = h('button', { type: 'button', class: 'btn', id: 'roster-export' }, h('span', { i18n: 'roster.export' }));
    const msg = h('div', { 'aria-live': 'assertive' });
    const body = h('div', { 'aria-live': 'polite' });
    const forms = h('div');
    main.append(pageHead('roster.title'),
      h('section', { class: 'card', 'aria-labelledby': 'roster-h' }, h('h2', { id: 'roster-h', class: 'sr-only', i18n: 'roster.grid' }),
        h('div', { class: 'row' }, field('roster-team', 'roster.team', teamSel), field('roster-start', 'roster.first_day', start),
          field('roster-days', 'roster.span', span), exportBtn), msg, body),
      forms);
    const period = () => { const d0 = dayStart(start.value || isoDate(Date.now() / 1000)); return { from: d0, to: d0 + Number(span.value) * DAY }; };
    const load = async () => {
      clear(body).append(loading());
      const { from, to } = period();
      const q = { from, to, team: teamSel.value || null };
      const [posts, shifts, check] = await Promise.all([
        get('/posts', { team: teamSel.value || null }, { signal: ctx.signal }),
        get('/shifts', q, { signal: ctx.signal }),
        get('/roster/check', q, { signal: ctx.signal })]);
      const days = []; for (let d = from; d < to; d += DAY) days.push(d);
      clear(body);
      if (!posts.items.length) body.append(h('p', { class: 'empty', i18n: canEditTeams() ? 'roster.no_posts' : 'roster.no_posts_read' }));
      else body.append(grid(posts.items, days, shifts.items, check), findings(check));
      clear(forms);
      if (canEditTeams()) {
        forms.append(postForm(teams, load));
        if (posts.items.length) forms.append(shiftForm(posts.items, from, load));
      }
    };
    const reload = () => load().catch((x) => clear(body).append(errorBox(x)));
    for (const el of [teamSel, start, span]) el.addEventListener('change', reload);
    exportBtn.addEventListener('click', async () => {
      clear(msg);
      const { from, to } = period();
      try { await download('/roster/export', { from, to, team: teamSel.value || null, format: 'xlsx' }, 'roster.xlsx'); } catch (x) { msg.append(errorBox(x)); }
    });
    await load();
  },
};
