// One household: its address, its people, a new service request for it, and the party members who look after it.
import { h, clear, pageHead, table, uid, toast } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, del } from '../api.js';
import { errorBox } from '../errors.js';
import { personsTable, facts, idCell } from '../person-view.js';
import { requestForm } from './requests.js';

export default {
  title: 'household.title',
  async render(main, ctx) {
    const id = ctx.params.id;
    const hh = await get(`/households/${id}`, null, { signal: ctx.signal });
    main.append(pageHead('household.title_of', { address: hh.full_address || hh.room || id },
      h('a', { class: 'btn', href: `#/persons/new?household=${hh.id}`, i18n: 'household.add_person' })));
    main.append(h('div', { class: 'card' }, facts([
      ['household.address', hh.full_address],
      ['household.room', hh.room],
      ['person.area', h('a', { href: `#/areas/${encodeURIComponent(hh.area)}`, class: 'mono', text: hh.area })],
      ['household.members', String(hh.members)],
      ['common.created_at', fmtTime(hh.created_at)],
    ])));
    const people = h('section', { class: 'card', 'aria-labelledby': 'hh-people' }, h('h2', { id: 'hh-people', i18n: 'household.people' }));
    people.append(hh.persons && hh.persons.length ? personsTable(hh.persons) : h('p', { class: 'empty', i18n: 'household.no_people' }));
    main.append(people, requestForm(hh));
    const contacts = contactsSection(hh, ctx);
    main.append(contacts.sec);
    await contacts.ready;
  },
};

function contactsSection(hh, ctx) {
  const sec = h('section', { class: 'card', 'aria-labelledby': 'hh-contacts' }, h('h2', { id: 'hh-contacts', i18n: 'contacts.of_household' }),
    h('p', { class: 'muted small', i18n: 'contacts.explain' }));
  const list = h('div');
  const msg = h('div', { 'aria-live': 'polite' });
  sec.append(list, msg);

  async function refresh() {
    try {
      const r = await get('/party-contacts', { household: hh.id }, { signal: ctx.signal });
      clear(list);
      if (!r.items.length) { list.append(h('p', { class: 'empty', i18n: 'contacts.none' })); return; }
      list.append(table([
        { key: 'contacts.member', cell: (c) => h('a', { href: `#/persons/${c.member}`, text: c.member_name }) },
        { key: 'common.since', cell: (c) => fmtTime(c.created_at) },
        { key: 'common.actions', cell: (c) => h('button', { type: 'button', class: 'btn btn-danger btn-small', onclick: () => remove(c) },
          h('span', { i18n: 'action.remove' }), h('span', { class: 'sr-only', text: ` ${c.member_name}` })) },
      ], r.items));
    } catch (e) { if (e.name !== 'AbortError') clear(list).append(errorBox(e)); }
  }

  async function remove(c) {
    clear(msg);
    try {
      await del('/party-contacts', { member: c.member, household: hh.id });
      toast('contacts.removed');
      refresh();
    } catch (e) { msg.append(errorBox(e)); }
  }

  // add: find the party member by name or ID number, then pick them
  const qId = uid('pm');
  const q = h('input', { type: 'search', id: qId, autocomplete: 'off' });
  const results = h('div');
  const form = h('form', { class: 'search-row' },
    h('div', { class: 'field' }, h('label', { for: qId, i18n: 'contacts.find_member' }), q),
    h('button', { type: 'submit', class: 'btn btn-secondary', i18n: 'action.search' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg); clear(results);
    if (!q.value.trim()) { q.focus(); return; }
    try {
      const r = await get('/persons', { q: q.value.trim(), limit: 20 });
      if (!r.items.length) { results.append(h('p', { class: 'empty', i18n: 'persons.none' })); return; }
      results.append(table([
        { key: 'person.name', cell: (p) => p.name },
        { key: 'person.id_number', cell: idCell },
        { key: 'person.party_member', cell: (p) => t(p.party_member ? 'common.yes' : 'common.no') },
        { key: 'common.actions', cell: (p) => h('button', { type: 'button', class: 'btn btn-small', onclick: () => add(p) },
          h('span', { i18n: 'contacts.assign' }), h('span', { class: 'sr-only', text: ` ${p.name}` })) },
      ], r.items));
    } catch (err) { msg.append(errorBox(err)); }
  });
  async function add(p) {
    clear(msg);
    try {
      await post('/party-contacts', { member: p.id, household: hh.id });
      toast('contacts.added', { name: p.name });
      clear(results);
      q.value = '';
      refresh();
    } catch (e) { msg.append(errorBox(e)); }
  }
  sec.append(h('h3', { i18n: 'contacts.add' }), form, results);
  return { sec, ready: refresh() };
}
