// Mentor pairs (dao shi bang dai): a leader paired with a village secretary, with the log of their
// joint visits (place and time) and guidance notes, newest first. Officers pair people and
// log a visit or a note.
import { h, clear, pageHead, loading, toast, uid } from '../dom.js';
import { fmtTime, fmtNum } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { state } from '../state.js';
import { badge } from '../round/common.js';
import { canEditTeams, dayStart, hmToMin } from '../ops/roster.js';

const field = (id, key, input) => h('div', { class: 'field' }, h('label', { for: id, i18n: key }), input);

function pairForm(onDone) {
  const mentor = h('input', { type: 'text', id: 'pair-mentor', name: 'mentor', maxlength: 32, autocomplete: 'off' });
  const mentee = h('input', { type: 'text', id: 'pair-mentee', name: 'mentee', maxlength: 32, autocomplete: 'off' });
  const area = h('input', { type: 'text', id: 'pair-area', name: 'area', maxlength: 64, autocomplete: 'off', value: state.area ? state.area.code : '' });
  const note = h('input', { type: 'text', id: 'pair-note', name: 'note', maxlength: 400, autocomplete: 'off' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn' }, h('span', { i18n: 'mentor.create' }));
  const form = h('form', { class: 'card', id: 'pair-form', novalidate: true }, h('h2', { i18n: 'mentor.new' }),
    h('div', { class: 'row' }, field('pair-mentor', 'mentor.mentor_username', mentor), field('pair-mentee', 'mentor.mentee_username', mentee),
      field('pair-area', 'common.area', area), field('pair-note', 'mentor.note', note)), msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    if (!mentor.value.trim() || !mentee.value.trim()) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'mentor.both_required' })); return; }
    btn.disabled = true;
    try {
      await post('/mentor-pairs', { mentor_username: mentor.value.trim().toLowerCase(), mentee_username: mentee.value.trim().toLowerCase(),
        area: area.value.trim(), note: note.value.trim() || undefined });
      toast('mentor.created');
      mentor.value = ''; mentee.value = ''; note.value = '';
      await onDone();
    } catch (err) { msg.append(errorBox(err)); }
    btn.disabled = false;
  });
  return form;
}

function logForm(pair, onDone) {
  const id = uid('log');
  const kind = h('select', { id: `${id}-k`, name: 'kind' }, h('option', { value: 'visit', i18n: 'mentor.kind.visit' }), h('option', { value: 'guidance', i18n: 'mentor.kind.guidance' }));
  const place = h('input', { type: 'text', id: `${id}-p`, name: 'place', maxlength: 200, autocomplete: 'off' });
  const when = h('input', { type: 'datetime-local', id: `${id}-t`, name: 'at' });
  const note = h('input', { type: 'text', id: `${id}-n`, name: 'note', maxlength: 1000, autocomplete: 'off' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn btn-small' }, h('span', { i18n: 'mentor.log_add' }));
  const placeField = field(`${id}-p`, 'mentor.place', place);
  const whenField = field(`${id}-t`, 'mentor.when', when);
  kind.addEventListener('change', () => { placeField.hidden = kind.value !== 'visit'; whenField.hidden = placeField.hidden; });
  const form = h('form', { class: 'row-form log-form', novalidate: true },
    field(`${id}-k`, 'mentor.log_kind', kind), placeField, whenField, field(`${id}-n`, 'mentor.note', note), msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const visit = kind.value === 'visit';
    if (visit && !place.value.trim()) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'mentor.place_required' })); place.focus(); return; }
    if (!visit && !note.value.trim()) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'mentor.note_required' })); note.focus(); return; }
    // the visit's time in the display zone; empty: now
    const at = visit && when.value ? dayStart(when.value.slice(0, 10)) + hmToMin(when.value.slice(11, 16)) * 60 : undefined;
    btn.disabled = true;
    try {
      await post(`/mentor-pairs/${enc(pair.id)}/logs`, { kind: kind.value, place: visit ? place.value.trim() : undefined, at, note: note.value.trim() || undefined });
      toast(visit ? 'mentor.visit_logged' : 'mentor.note_logged');
      await onDone();
    } catch (err) { msg.append(errorBox(err)); btn.disabled = false; }
  });
  return form;
}

async function pairCard(p, signal) {
  const item = h('li', { class: 'item pair', dataset: { pair: p.id } });
  const fill = async () => {
    const d = await get(`/mentor-pairs/${enc(p.id)}`, null, { signal });
    clear(item).append(
      h('h3', null, h('span', { text: d.mentor.name }), ' → ', h('span', { text: d.mentee.name })),
      h('p', { class: 'muted small' }, h('span', { text: d.area }), ' · ',
        h('span', { i18n: 'mentor.counts', vars: { visits: fmtNum(d.visits), notes: fmtNum(d.notes) } }),
        d.last_visit ? [' · ', h('span', { i18n: 'mentor.last_visit', vars: { at: fmtTime(d.last_visit) } })] : null),
      d.note ? h('p', { text: d.note }) : null,
      d.log.length ? h('ol', { class: 'visit-log', 'aria-label': d.mentor.name }, d.log.map((l) => h('li', { dataset: { kind: l.kind } },
        badge(`mentor.kind.${l.kind}`, l.kind === 'visit' ? 'run' : 'ok'), ' ',
        h('time', { text: fmtTime(l.at) }), l.place ? [' · ', h('strong', { text: l.place })] : null,
        l.note ? [' — ', h('span', { text: l.note })] : null))) : h('p', { class: 'empty', i18n: 'mentor.no_log' }),
      canEditTeams() ? logForm(d, fill) : null);
  };
  await fill();
  return item;
}

export default {
  title: 'mentor.title',
  async render(main, ctx) {
    const body = h('div', { 'aria-live': 'polite' });
    const list = h('section', { class: 'card', id: 'pairs', 'aria-labelledby': 'pairs-h' }, h('h2', { id: 'pairs-h', i18n: 'mentor.list' }), body);
    main.append(pageHead('mentor.title'), h('p', null, h('a', { href: '#/teams', i18n: 'mentor.to_teams' })));
    const load = async () => {
      clear(body).append(loading());
      const r = await get('/mentor-pairs', { limit: 100 }, { signal: ctx.signal });
      const cards = await Promise.all(r.items.map((p) => pairCard(p, ctx.signal)));
      clear(body).append(cards.length ? h('ul', { class: 'cards' }, cards) : h('p', { class: 'empty', i18n: 'mentor.none' }));
    };
    if (canEditTeams()) main.append(pairForm(load));
    main.append(list);
    await load();
  },
};
