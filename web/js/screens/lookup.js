// Confirm who someone is at a sampling table: scan their personal code (QR
// card) or type their ID number. The server masks what this role may not see.
import { h, pageHead, uid, loading } from '../dom.js';
import { get } from '../api.js';
import { errorBox } from '../errors.js';
import { personFacts, maskedBadge } from '../person-view.js';
import { looksLikeId, halfWidth, checkIdNumber } from '../validate.js';
import { isStaff } from '../state.js';

export default {
  title: 'lookup.title',
  render(main) {
    const id = uid('lk');
    const hint = uid('lkh');
    const input = h('input', { type: 'text', id, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', class: 'mono', 'aria-describedby': hint, enterkeyhint: 'search' });
    const out = h('div', { id: 'lookup-result', 'aria-live': 'polite' });
    const form = h('form', { class: 'card' },
      h('div', { class: 'search-row' },
        h('div', { class: 'field' }, h('label', { for: id, i18n: 'lookup.label' }), input),
        h('button', { type: 'submit', class: 'btn', i18n: 'lookup.submit' })),
      h('span', { class: 'hint', id: hint, i18n: 'lookup.hint' }));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = halfWidth(input.value).toUpperCase();
      out.replaceChildren();
      if (!v) { input.focus(); return; }
      const isId = looksLikeId(v);
      if (isId) {
        const bad = checkIdNumber(v);
        if (bad) { out.append(h('div', { class: 'alert alert-error', role: 'alert' }, h('p', { class: 'what', i18n: bad }))); input.select(); return; }
      }
      out.append(loading());
      try {
        const p = await get('/persons/lookup', isId ? { id_number: v } : { code: v });
        out.replaceChildren(h('div', { class: 'card' },
          h('h2', { class: 'person-head' }, h('span', { text: p.name }), maskedBadge(p)),
          personFacts(p, { links: isStaff() })));
      } catch (err) {
        out.replaceChildren(errorBox(err));
      }
      input.select();
    });
    main.append(pageHead('lookup.title'), h('p', { class: 'muted', i18n: 'lookup.lead' }), form, out);
    input.focus();
  },
};
