// Opening an isolation case (officers): find the person (name, ID number, phone or
// address, as the person search reads it), then the reason and the type; the case
// starts under the type's newest policy version, shown before saving.
import { h, clear, pageHead, loading, uid } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { policyWords, TYPES, REASONS } from '../ops/isolation.js';

export default {
  title: 'iso.new',
  async render(main, ctx) {
    const id = uid('in');
    const pol = await get('/isolation-policies', null, { signal: ctx.signal });
    const newest = (type) => pol.items.filter((p) => p.type === type).sort((a, b) => b.version - a.version)[0];
    let person = null;
    const q = h('input', { type: 'search', id: `${id}-q`, name: 'q', autocomplete: 'off', maxlength: 60 });
    const found = h('div', { id: 'iso-found', 'aria-live': 'polite' });
    const chosen = h('p', { id: 'iso-chosen', class: 'muted', i18n: 'iso.no_person' });
    const searchForm = h('form', { class: 'row-form', role: 'search', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: `${id}-q`, i18n: 'iso.find_person' }), q),
      h('button', { type: 'submit', class: 'btn btn-secondary', i18n: 'iso.search' }));
    const choose = (p) => {
      person = p;
      clear(found);
      chosen.className = '';
      chosen.removeAttribute('data-i18n');
      chosen.textContent = t('iso.chosen', { name: p.name, address: p.address || '' });
      reason.focus();
    };
    const search = async (text) => {
      clear(found).append(loading());
      try {
        const r = await get('/persons', { q: text, limit: 20 }, { signal: ctx.signal });
        clear(found);
        if (!r.items.length) { found.append(h('p', { class: 'empty', i18n: 'iso.nobody_found' })); return; }
        found.append(h('ul', { class: 'pick-list' }, r.items.map((p) => {
          const b = h('button', { type: 'button', class: 'btn btn-small btn-secondary', dataset: { person: p.id } },
            h('span', { i18n: 'iso.pick' }), h('span', { class: 'sr-only', text: ` ${p.name}` }));
          b.addEventListener('click', () => choose(p));
          return h('li', null, h('strong', { text: p.name }), ' ', h('span', { class: 'muted', text: `${p.id_number || ''} ${p.address || ''}` }), ' ', b);
        })));
      } catch (err) { clear(found).append(errorBox(err)); }
    };
    searchForm.addEventListener('submit', (e) => {
      e.preventDefault();
      if (q.value.trim()) search(q.value.trim());
    });

    const reason = h('select', { id: `${id}-r`, name: 'reason' }, h('option', { value: '', i18n: 'iso.choose_reason' }),
      REASONS.map((r) => h('option', { value: r, i18n: `iso.reason.${r}` })));
    const type = h('select', { id: `${id}-t`, name: 'type' }, TYPES.map((x) => h('option', { value: x, i18n: `iso.type.${x}` })));
    const policy = h('p', { class: 'hint', id: 'iso-policy' });
    const showPolicy = () => { const p = newest(type.value); policy.textContent = p ? t('iso.policy_applies', { policy: policyWords(p) }) : ''; };
    type.addEventListener('change', showPolicy);
    showPolicy();
    const note = h('input', { type: 'text', id: `${id}-n`, name: 'note', maxlength: 100, autocomplete: 'off' });
    const msg = h('div', { 'aria-live': 'assertive' });
    const save = h('button', { type: 'submit', class: 'btn', i18n: 'iso.open_case' });
    const form = h('form', { id: 'iso-new', novalidate: true },
      chosen,
      h('div', { class: 'field' }, h('label', { for: `${id}-r`, class: 'req', i18n: 'iso.reason' }), reason),
      h('div', { class: 'field' }, h('label', { for: `${id}-t`, class: 'req', i18n: 'iso.type' }), type), policy,
      h('div', { class: 'field' }, h('label', { for: `${id}-n`, i18n: 'iso.note' }), note), msg, save);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(msg);
      const bad = (key, el) => { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: key })); el.focus(); };
      if (!person) { bad('iso.person_required', q); return; }
      if (!reason.value) { bad('iso.reason_required', reason); return; }
      save.disabled = true;
      try {
        const body = { person: person.id, type: type.value, reason: reason.value };
        if (note.value.trim()) body.note = note.value.trim();
        const c = await post('/isolations', body);
        location.hash = `#/isolation/${c.id}`;
      } catch (err) { msg.append(errorBox(err)); save.disabled = false; }
    });
    main.append(pageHead('iso.new', null, h('a', { class: 'btn btn-secondary', href: '#/isolation', i18n: 'iso.back' })),
      h('section', { class: 'card' }, h('h2', { i18n: 'iso.step_person' }), searchForm, found),
      h('section', { class: 'card' }, h('h2', { i18n: 'iso.step_case' }), form));
    // from the isolation-gaps list: the person and the reason are known
    const pid = ctx.query.get('person');
    if (pid) {
      try { choose(await get(`/persons/${enc(pid)}`, null, { signal: ctx.signal })); } catch (err) { msg.append(errorBox(err)); }
      const r = ctx.query.get('reason');
      if (REASONS.includes(r)) reason.value = r;
    }
  },
};
