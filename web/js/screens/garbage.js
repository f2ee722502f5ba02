// Garbage rounds: a round over a building (or unit, or compound) opens an approved
// door window for every household in it; on the round, each household is marked
// collected with one tap — made for a phone on the stairs. /garbage lists rounds
// and starts one; /garbage/:id is one round's households.
import { h, clear, pageHead, table, loading, toast, uid } from '../dom.js';
import { t, fmtTime, fmtNum } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { badge } from '../round/common.js';
import { state } from '../state.js';
import { localValue, fromLocal } from '../ops/common.js';

function createForm(onDone) {
  const id = uid('gr');
  const now = Math.floor(Date.now() / 1000 / 60) * 60;
  const area = h('input', { type: 'text', id: `${id}-a`, name: 'area', maxlength: 64, autocomplete: 'off', value: state.area ? state.area.code : '' });
  const start = h('input', { type: 'datetime-local', id: `${id}-s`, name: 'start', value: localValue(now) });
  const end = h('input', { type: 'datetime-local', id: `${id}-e`, name: 'end', value: localValue(now + 3600) });
  const note = h('input', { type: 'text', id: `${id}-n`, name: 'note', maxlength: 100, autocomplete: 'off' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn', i18n: 'garbage.create' });
  const f = (fid, key, input, req) => h('div', { class: 'field' }, h('label', { for: fid, class: req ? 'req' : null, i18n: key }), input);
  const form = h('form', { id: 'garbage-new', novalidate: true },
    h('p', { class: 'hint', i18n: 'garbage.create_hint' }),
    h('div', { class: 'row-form' }, f(`${id}-a`, 'garbage.area', area, true), f(`${id}-s`, 'garbage.start', start, true),
      f(`${id}-e`, 'garbage.end', end, true), f(`${id}-n`, 'garbage.note', note)), msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const s = fromLocal(start.value); const en = fromLocal(end.value);
    const bad = (key, el) => { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: key })); el.focus(); };
    if (!area.value.trim()) { bad('garbage.area_required', area); return; }
    if (!(s > 0) || !(en > s)) { bad('garbage.times_invalid', end); return; }
    btn.disabled = true;
    try {
      const body = { area: area.value.trim(), start: s, end: en };
      if (note.value.trim()) body.note = note.value.trim();
      const g = await post('/garbage-rounds', body);
      toast('garbage.created', { area: g.area, n: g.households });
      await onDone(g);
    } catch (err) { msg.append(errorBox(err)); btn.disabled = false; }
  });
  return form;
}

async function listScreen(main, ctx) {
  const body = h('div', { 'aria-live': 'polite' });
  const card = h('section', { class: 'card', id: 'garbage-rounds' }, h('h2', { i18n: 'garbage.list' }), body);
  main.append(pageHead('garbage.title'),
    h('section', { class: 'card' }, h('h2', { i18n: 'garbage.new' }), createForm((g) => { location.hash = `#/garbage/${g.id}`; })), card);
  body.append(loading());
  const r = await get('/garbage-rounds', { limit: 100 }, { signal: ctx.signal });
  clear(body);
  if (!r.items.length) { body.append(h('p', { class: 'empty', i18n: 'garbage.none' })); return; }
  body.append(table([
    { key: 'garbage.area', cell: (g) => h('a', { href: `#/garbage/${g.id}`, text: g.area }) },
    { key: 'garbage.start', cell: (g) => fmtTime(g.start) },
    { key: 'garbage.end', cell: (g) => fmtTime(g.end) },
    { key: 'garbage.progress', num: true, cell: (g) => t('garbage.done_of', { done: fmtNum(g.done), n: fmtNum(g.households) }) },
    { key: 'garbage.note', cell: (g) => g.note },
  ], r.items, { caption: 'garbage.list' }));
}

async function roundScreen(main, ctx) {
  const g = await get(`/garbage-rounds/${enc(ctx.params.id)}`, null, { signal: ctx.signal });
  const progress = h('p', { class: 'progress-line', id: 'garbage-progress' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const count = () => {
    const done = g.items.filter((i) => i.done_at).length;
    progress.dataset.done = done;
    progress.textContent = t('garbage.done_of', { done: fmtNum(done), n: fmtNum(g.items.length) });
  };
  const mark = async (it, li, btn) => {
    clear(msg);
    btn.disabled = true;
    try {
      await post(`/garbage-rounds/${enc(g.id)}/marks`, { household: it.household });
      it.done_at = Math.floor(Date.now() / 1000);
      it.done_by = state.user.username;
      li.replaceWith(row(it));
      count();
    } catch (err) { msg.append(errorBox(err)); btn.disabled = false; }
  };
  const row = (it) => {
    const li = h('li', { class: `hh-item${it.done_at ? ' done' : ''}`, dataset: { household: it.household } },
      h('span', { class: 'addr', text: it.address }),
      it.isolated ? badge('garbage.isolated', 'fail') : null);
    if (it.done_at) li.append(badge('garbage.collected', 'ok'), h('span', { class: 'muted small', text: ` ${fmtTime(it.done_at)}` }));
    else {
      const b = h('button', { type: 'button', class: 'btn btn-big' }, h('span', { i18n: 'garbage.mark' }), h('span', { class: 'sr-only', text: ` ${it.address}` }));
      b.addEventListener('click', () => mark(it, li, b));
      li.append(b);
    }
    return li;
  };
  count();
  main.append(pageHead('garbage.round_of', { area: g.area }, h('a', { class: 'btn btn-secondary', href: '#/garbage', i18n: 'garbage.back' })),
    h('section', { class: 'card', id: 'garbage-round' },
      h('p', { class: 'muted', text: `${fmtTime(g.start)} – ${fmtTime(g.end)}${g.note ? ` · ${g.note}` : ''}` }), progress, msg,
      g.items.length ? h('ul', { class: 'hh-list' }, g.items.map(row)) : h('p', { class: 'empty', i18n: 'garbage.no_households' })));
}

export default {
  title: 'garbage.title',
  render(main, ctx) { return ctx.params.id ? roundScreen(main, ctx) : listScreen(main, ctx); },
};
