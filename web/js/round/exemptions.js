// Exemptions (bedridden, infant, away with proof): staff find the person,
// choose the reason, add a note; the list below can take one back.
import { h, table, clear, toast } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, del } from '../api.js';
import { errorBox } from '../errors.js';
import { halfWidth } from '../validate.js';
import { idCell } from '../person-view.js';

const REASONS = ['bedridden', 'infant', 'away', 'other'];

export default async function exemptions(el, round, ctx) {
  const base = `/rounds/${round.id}`;
  let chosen = null;
  const q = h('input', { type: 'search', id: 'ex-q', name: 'q', autocomplete: 'off', 'aria-describedby': 'ex-q-hint', enterkeyhint: 'search' });
  const found = h('div', { id: 'ex-found', 'aria-live': 'polite' });
  const who = h('p', { id: 'ex-chosen', class: 'muted', 'aria-live': 'polite', i18n: 'exempt.nobody' });
  const reason = h('select', { id: 'ex-reason', name: 'reason' }, REASONS.map((r) => h('option', { value: r, i18n: `exempt.reason.${r}` })));
  const note = h('textarea', { id: 'ex-note', name: 'note', rows: 2, maxlength: 200, 'aria-describedby': 'ex-note-hint' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const save = h('button', { type: 'submit', class: 'btn', i18n: 'exempt.save' });
  const search = h('form', { role: 'search', class: 'search-row' },
    h('div', { class: 'field' }, h('label', { for: 'ex-q', i18n: 'exempt.find' }), q),
    h('button', { type: 'submit', class: 'btn btn-secondary', i18n: 'action.search' }));
  const form = h('form', { class: 'stack', novalidate: true },
    who,
    h('div', { class: 'form-grid' },
      h('div', { class: 'field' }, h('label', { for: 'ex-reason', class: 'req', i18n: 'exempt.reason' }), reason),
      h('div', { class: 'field' }, h('label', { for: 'ex-note', i18n: 'exempt.note' }), note, h('span', { class: 'hint', id: 'ex-note-hint', i18n: 'exempt.note_hint' }))),
    msg, h('div', { class: 'form-actions' }, save));
  el.append(h('section', { class: 'card', 'aria-labelledby': 'ex-h' }, h('h2', { id: 'ex-h', i18n: 'exempt.add' }),
    search, h('span', { class: 'hint', id: 'ex-q-hint', i18n: 'exempt.find_hint' }), found, form));

  const pick = (p) => {
    chosen = p;
    who.className = '';
    who.dataset.i18n = 'exempt.chosen';
    who.dataset.i18nVars = JSON.stringify({ name: p.name, address: p.address || '' });
    who.textContent = t('exempt.chosen', { name: p.name, address: p.address || '' });
    clear(found);
    reason.focus();
  };
  search.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = halfWidth(q.value);
    if (!v) { q.focus(); return; }
    clear(found);
    try {
      const r = await get('/persons', { q: v, limit: 10 }, { signal: ctx.signal });
      if (!r.items.length) { found.append(h('p', { class: 'empty', i18n: 'persons.none' })); return; }
      found.append(table([
        { key: 'person.name', cell: (p) => p.name },
        { key: 'person.id_number', cell: (p) => idCell(p) },
        { key: 'household.address', cell: (p) => p.address || '' },
        { key: 'common.actions', cell: (p) => h('button', { type: 'button', class: 'btn btn-small', onclick: () => pick(p) },
          h('span', { i18n: 'exempt.choose' }), h('span', { class: 'sr-only', text: ` ${p.name}` })) },
      ], r.items));
    } catch (err) { if (err.name !== 'AbortError') found.append(errorBox(err)); }
  });

  const listCard = h('section', { class: 'card', 'aria-labelledby': 'exl-h', id: 'exemptions' }, h('h2', { id: 'exl-h', i18n: 'exempt.list' }));
  el.append(listCard);
  const body = h('div');
  listCard.append(body);
  const load = async () => {
    const r = await get(`${base}/exemptions`, { limit: 200 }, { signal: ctx.signal });
    clear(body);
    if (!r.items.length) { body.append(h('p', { class: 'empty', i18n: 'exempt.none' })); return; }
    body.append(table([
      { key: 'person.name', cell: (x) => h('a', { href: `#/persons/${x.person}`, text: x.name }) },
      { key: 'common.area', cell: (x) => x.area },
      { key: 'exempt.reason', cell: (x) => t(`exempt.reason.${x.reason}`) },
      { key: 'exempt.note', cell: (x) => x.note },
      { key: 'common.created_at', cell: (x) => fmtTime(x.created_at) },
      { key: 'common.actions', cell: (x) => h('button', { type: 'button', class: 'btn btn-quiet btn-small', onclick: async (ev) => {
        ev.currentTarget.disabled = true;
        try { await del(`${base}/exemptions/${x.person}`); toast('exempt.removed', { name: x.name }); await load(); } catch (err) { body.prepend(errorBox(err)); }
      } }, h('span', { i18n: 'action.remove' }), h('span', { class: 'sr-only', text: ` ${x.name}` })) },
    ], r.items, { caption: 'exempt.list' }));
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    if (!chosen) { msg.append(h('div', { class: 'alert alert-error', role: 'alert' }, h('p', { class: 'what', i18n: 'exempt.pick_first' }))); q.focus(); return; }
    const b = { person: chosen.id, reason: reason.value };
    if (halfWidth(note.value)) b.note = halfWidth(note.value);
    save.disabled = true;
    try {
      await post(`${base}/exemptions`, b);
      toast('exempt.saved', { name: chosen.name });
      chosen = null;
      note.value = '';
      who.className = 'muted';
      delete who.dataset.i18nVars;
      who.dataset.i18n = 'exempt.nobody';
      who.textContent = t('exempt.nobody');
      await load();
    } catch (err) { msg.append(errorBox(err)); } finally { save.disabled = false; }
  });
  await load();
}
