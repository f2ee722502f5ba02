// Person search: one box for a name, an ID number or its last 4 digits, a
// phone or its last 4, or an address. The server picks the search from the text.
import { h, pageHead, uid, loading } from '../dom.js';
import { get } from '../api.js';
import { errorBox } from '../errors.js';
import { personsTable } from '../person-view.js';
import { exportLinks } from './areas.js';
import { go } from '../app.js';
import { state } from '../state.js';
import { halfWidth } from '../validate.js';

export default {
  title: 'persons.title',
  async render(main, ctx) {
    const q0 = ctx.query.get('q') || '';
    const qId = uid('q');
    const hintId = uid('qh');
    const input = h('input', { type: 'search', id: qId, name: 'q', value: q0, autocomplete: 'off', 'aria-describedby': hintId, enterkeyhint: 'search' });
    const form = h('form', { class: 'card', role: 'search' },
      h('div', { class: 'search-row' },
        h('div', { class: 'field' }, h('label', { for: qId, i18n: 'persons.search_label' }), input),
        h('button', { type: 'submit', class: 'btn', i18n: 'action.search' })),
      h('span', { class: 'hint', id: hintId, i18n: 'persons.search_hint' }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const v = halfWidth(input.value);
      if (!v) { input.focus(); return; }
      go(`/persons?q=${encodeURIComponent(v)}`);
    });
    main.append(pageHead('persons.title', null,
      h('a', { class: 'btn btn-secondary', href: `#/persons/new${state.area ? `?area=${encodeURIComponent(state.area.code)}` : ''}`, i18n: 'person.add' })), form);
    const out = h('section', { class: 'card', 'aria-live': 'polite', id: 'search-results' });
    main.append(out);
    if (!q0) { out.append(h('p', { class: 'muted', i18n: 'persons.start' })); input.focus(); return; }
    out.append(loading());
    try {
      const r = await get('/persons', { q: q0, limit: 100 }, { signal: ctx.signal });
      out.replaceChildren(h('h2', { i18n: 'persons.results', vars: { n: r.items.length, q: q0 } }));
      if (!r.items.length) {
        out.append(h('p', { class: 'empty', i18n: 'persons.none' }), h('p', { class: 'muted', i18n: 'persons.none_hint' }));
        return;
      }
      out.append(personsTable(r.items));
      if (r.next_cursor) out.append(h('p', { class: 'muted', i18n: 'persons.more_results' }));
      out.append(h('p', { class: 'row' }, h('span', { i18n: 'export.results' }), exportLinks({ q: q0 })));
    } catch (e) {
      if (e.name === 'AbortError') return;
      out.replaceChildren(errorBox(e));
    }
  },
};
