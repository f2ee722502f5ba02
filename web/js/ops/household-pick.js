// Finding a household by a resident's name, phone, ID number or the address (the
// person search; optionally within one area), then choosing it: for door sensors,
// approved windows and deliveries at a zone's gate.
import { h, clear, uid } from '../dom.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { errorBox } from '../errors.js';

/** { el, value: {id, address} | null, reset() }; onPick(hh) after a choice. */
export function householdPicker({ area, labelKey = 'hh.find', onPick } = {}) {
  const id = uid('hp');
  const q = h('input', { type: 'search', id: `${id}-q`, name: 'household_q', autocomplete: 'off', maxlength: 60 });
  const btn = h('button', { type: 'button', class: 'btn btn-secondary btn-small', i18n: 'hh.search' });
  const list = h('div', { class: 'hh-found', 'aria-live': 'polite' });
  const chosen = h('p', { class: 'muted hh-chosen', i18n: 'hh.none_chosen' });
  const picker = { value: null, el: null };
  const pick = (hh) => {
    picker.value = hh;
    clear(list);
    chosen.removeAttribute('data-i18n');
    chosen.className = 'hh-chosen';
    chosen.textContent = t('hh.chosen', { address: hh.address });
    if (onPick) onPick(hh);
  };
  picker.reset = () => { picker.value = null; q.value = ''; clear(list); chosen.className = 'muted hh-chosen'; chosen.dataset.i18n = 'hh.none_chosen'; chosen.textContent = t('hh.none_chosen'); };
  const search = async () => {
    const text = q.value.trim();
    if (!text) { q.focus(); return; }
    clear(list);
    try {
      const r = await get('/persons', { q: text, area: area || null, limit: 30 });
      const seen = new Map();
      for (const p of r.items) if (p.household && !seen.has(p.household)) seen.set(p.household, { id: p.household, address: p.address || '', who: p.name });
      if (!seen.size) { list.append(h('p', { class: 'empty', i18n: 'hh.nothing' })); return; }
      list.append(h('ul', { class: 'pick-list' }, [...seen.values()].map((hh) => {
        const b = h('button', { type: 'button', class: 'btn btn-small btn-secondary', dataset: { household: hh.id } },
          h('span', { i18n: 'hh.pick' }), h('span', { class: 'sr-only', text: ` ${hh.address}` }));
        b.addEventListener('click', () => pick(hh));
        return h('li', null, h('span', { text: hh.address }), ' ', h('span', { class: 'muted small', text: hh.who }), ' ', b);
      })));
    } catch (err) { list.append(errorBox(err)); }
  };
  btn.addEventListener('click', search);
  q.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); search(); } });
  picker.el = h('div', { class: 'hh-picker' },
    h('div', { class: 'row-form' }, h('div', { class: 'field' }, h('label', { for: `${id}-q`, i18n: labelKey }), q), btn), list, chosen);
  return picker;
}
