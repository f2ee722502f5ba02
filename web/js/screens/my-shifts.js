// "My shifts": a volunteer's (or anyone's) own shifts from now on, on a phone — the day,
// the hours, the post and its kind, the one under way marked. Nothing of others' rosters.
import { h, clear, pageHead, loading } from '../dom.js';
import { fmtHM } from '../i18n.js';
import { get } from '../api.js';
import { errorBox } from '../errors.js';
import { badge } from '../round/common.js';
import { fmtDate } from '../ops/common.js';

export default {
  title: 'myshifts.title',
  async render(main, ctx) {
    const body = h('div', { id: 'my-shifts', 'aria-live': 'polite' }, loading());
    main.append(pageHead('myshifts.title'), body);
    try {
      const r = await get('/my/shifts', null, { signal: ctx.signal });
      const now = Date.now() / 1000;
      clear(body);
      if (!r.items.length) { body.append(h('p', { class: 'empty', i18n: 'myshifts.none' })); return; }
      body.append(h('ul', { class: 'cards shifts' }, r.items.sort((a, b) => a.start - b.start).map((s) => h('li', { class: 'item shift-card', dataset: { shift: s.id } },
        h('h2', { class: 'shift-when' }, h('span', { text: fmtDate(s.start) }), ' ', h('span', { text: `${fmtHM(s.start)}–${fmtHM(s.end)}` })),
        h('p', { class: 'shift-post' }, h('strong', { text: s.post_name }), ' ', h('span', { class: 'muted', i18n: `roster.kind.${s.post_kind}` })),
        s.start <= now && now < s.end ? badge('myshifts.on_duty', 'run') : null,
        s.note ? h('p', { class: 'muted', text: s.note }) : null))));
    } catch (e) { clear(body).append(errorBox(e)); }
  },
};
