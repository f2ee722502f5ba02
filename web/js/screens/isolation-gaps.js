// Isolation gaps (ying ge jin ge): people who should be isolated and have no case (members of positive
// pools, red-code arrivals). Officers open a home-isolation case in one click
// (the reason follows the source) or choose the type and reason on the full form.
import { h, clear, pageHead, table, loading, toast } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { isOfficer } from '../ops/common.js';

const REASON_OF = { pending_control: 'positive_pool', red_code_arrival: 'red_code' };

export default {
  title: 'iso.gaps',
  async render(main, ctx) {
    const officer = isOfficer();
    const msg = h('div', { id: 'gaps-msg', 'aria-live': 'assertive' });
    const body = h('div', { 'aria-live': 'polite' });
    main.append(pageHead('iso.gaps', null, h('a', { class: 'btn btn-secondary', href: '#/isolation', i18n: 'iso.back' })), msg,
      h('section', { class: 'card', id: 'iso-gaps' }, h('p', { class: 'hint', i18n: 'iso.gaps_hint' }), body));
    const open = async (g, cell, btn) => {
      clear(msg);
      btn.disabled = true;
      try {
        const c = await post('/isolations', { person: g.person.id, type: 'home_isolation', reason: REASON_OF[g.source] || 'close_contact' });
        toast('iso.case_opened', { name: g.person.name });
        clear(cell).append(h('a', { href: `#/isolation/${c.id}`, dataset: { opened: c.id }, i18n: 'iso.case_opened_link' }));
      } catch (err) { msg.append(errorBox(err)); btn.disabled = false; }
    };
    const actions = (g) => {
      if (!officer) return null;
      const cell = h('div', { class: 'row' });
      const b = h('button', { type: 'button', class: 'btn btn-small', dataset: { open: g.person.id } },
        h('span', { i18n: 'iso.open_home' }), h('span', { class: 'sr-only', text: ` ${g.person.name}` }));
      b.addEventListener('click', () => open(g, cell, b));
      cell.append(b, h('a', { class: 'small', href: `#/isolation/new?person=${enc(g.person.id)}&reason=${enc(REASON_OF[g.source] || '')}`, i18n: 'iso.open_other' }));
      return cell;
    };
    body.append(loading());
    const r = await get('/isolations/gaps', { limit: 500 }, { signal: ctx.signal });
    clear(body);
    if (!r.items.length) { body.append(h('p', { class: 'empty', i18n: 'iso.gaps_none' })); return; }
    body.append(h('p', { class: 'muted', i18n: r.next_cursor ? 'iso.gaps_more' : 'iso.gaps_count', vars: { n: r.items.length } }), table([
      { key: 'iso.person', cell: (g) => h('a', { href: `#/persons/${g.person.id}`, text: g.person.name }) },
      { key: 'iso.gap_source', cell: (g) => t(`iso.source.${g.source}`) },
      { key: 'common.since', cell: (g) => fmtTime(g.since) },
      { key: 'iso.tube', cell: (g) => g.tube || '' },
      { key: 'common.actions', cell: actions },
    ], r.items, { caption: 'iso.gaps' }));
  },
};
