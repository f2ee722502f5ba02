// One merchant and the people who work there.
import { h, pageHead } from '../dom.js';
import { fmtTime } from '../i18n.js';
import { get } from '../api.js';
import { facts, personsTable } from '../person-view.js';

export default {
  title: 'merchant.title',
  async render(main, ctx) {
    const m = await get(`/merchants/${ctx.params.id}`, null, { signal: ctx.signal });
    main.append(pageHead('merchant.title_of', { name: m.name }),
      h('div', { class: 'card' }, facts([
        ['merchant.name', m.name],
        ['merchant.licence', m.licence ? h('span', { class: 'mono', text: m.licence }) : ''],
        ['merchant.area', h('a', { href: `#/areas/${encodeURIComponent(m.area)}`, class: 'mono', text: m.area })],
        ['merchant.address', m.address],
        ['merchant.contact_name', m.contact_name],
        ['merchant.contact_phone', m.contact_phone ? h('span', { class: 'mono', text: m.contact_phone }) : ''],
        ['common.created_at', fmtTime(m.created_at)],
      ])));
    const staff = h('section', { class: 'card', 'aria-labelledby': 'm-staff' }, h('h2', { id: 'm-staff', i18n: 'merchant.staff_list' }));
    main.append(staff);
    const r = await get('/persons', { merchant: m.id, limit: 200 }, { signal: ctx.signal });
    staff.append(r.items.length ? personsTable(r.items) : h('p', { class: 'empty', i18n: 'merchant.no_staff' }));
  },
};
