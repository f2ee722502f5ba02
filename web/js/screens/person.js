// One person: everything the server lets this user see, as it sent it.
import { h, clear, pageHead, table, uid, toast } from '../dom.js';
import { fmtTime } from '../i18n.js';
import { get, post, del } from '../api.js';
import { errorBox } from '../errors.js';
import { personFacts, maskedBadge } from '../person-view.js';

export default {
  title: 'person.title',
  async render(main, ctx) {
    const p = await get(`/persons/${ctx.params.id}`, null, { signal: ctx.signal });
    const head = pageHead('person.title_of', { name: p.name },
      h('a', { class: 'btn', href: `#/persons/${p.id}/edit`, i18n: 'action.edit' }),
      p.household ? h('a', { class: 'btn btn-secondary', href: `#/households/${p.household}`, i18n: 'household.open' }) : null);
    main.append(head);
    if (p.masked) main.append(h('p', { class: 'alert alert-warn' }, maskedBadge(p), ' ', h('span', { i18n: 'person.masked_hint' })));
    main.append(h('div', { class: 'card', id: 'person-facts' }, personFacts(p)));
    if (p.party_member) {
      const contacts = memberContacts(p, ctx);
      main.append(contacts.sec);
      await contacts.ready;
    }
  },
};

// A party member's contact households: list, add by address, remove.
function memberContacts(p, ctx) {
  const sec = h('section', { class: 'card', 'aria-labelledby': 'pm-h' }, h('h2', { id: 'pm-h', i18n: 'contacts.of_member' }));
  const list = h('div');
  const msg = h('div', { 'aria-live': 'polite' });
  sec.append(list, msg);
  async function refresh() {
    try {
      const r = await get('/party-contacts', { member: p.id }, { signal: ctx.signal });
      clear(list);
      if (!r.items.length) { list.append(h('p', { class: 'empty', i18n: 'contacts.none_member' })); return; }
      list.append(table([
        { key: 'household.address', cell: (c) => h('a', { href: `#/households/${c.household}`, text: c.address || String(c.household) }) },
        { key: 'common.since', cell: (c) => fmtTime(c.created_at) },
        { key: 'common.actions', cell: (c) => h('button', { type: 'button', class: 'btn btn-danger btn-small', onclick: () => remove(c) },
          h('span', { i18n: 'action.remove' }), h('span', { class: 'sr-only', text: ` ${c.address}` })) },
      ], r.items));
    } catch (e) { if (e.name !== 'AbortError') clear(list).append(errorBox(e)); }
  }
  async function remove(c) {
    clear(msg);
    try { await del('/party-contacts', { member: p.id, household: c.household }); toast('contacts.removed'); refresh(); } catch (e) { msg.append(errorBox(e)); }
  }
  // households are found through the people living at an address
  const qId = uid('addr');
  const q = h('input', { type: 'search', id: qId, autocomplete: 'off' });
  const results = h('div');
  const form = h('form', { class: 'search-row' },
    h('div', { class: 'field' }, h('label', { for: qId, i18n: 'contacts.find_household' }), q),
    h('button', { type: 'submit', class: 'btn btn-secondary', i18n: 'action.search' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg); clear(results);
    if (!q.value.trim()) { q.focus(); return; }
    try {
      const r = await get('/persons', { address: q.value.trim(), limit: 100 });
      const seen = new Map();
      for (const x of r.items) if (x.household && !seen.has(x.household)) seen.set(x.household, x.address);
      if (!seen.size) { results.append(h('p', { class: 'empty', i18n: 'contacts.no_households' })); return; }
      results.append(table([
        { key: 'household.address', cell: ([, addr]) => addr },
        { key: 'common.actions', cell: ([hid, addr]) => h('button', { type: 'button', class: 'btn btn-small', onclick: () => add(hid) },
          h('span', { i18n: 'contacts.assign_household' }), h('span', { class: 'sr-only', text: ` ${addr}` })) },
      ], [...seen.entries()].slice(0, 30)));
    } catch (err) { msg.append(errorBox(err)); }
  });
  async function add(hid) {
    clear(msg);
    try { await post('/party-contacts', { member: p.id, household: hid }); toast('contacts.added_household'); clear(results); q.value = ''; refresh(); } catch (e) { msg.append(errorBox(e)); }
  }
  sec.append(h('h3', { i18n: 'contacts.add_household' }), form, results);
  return { sec, ready: refresh() };
}
