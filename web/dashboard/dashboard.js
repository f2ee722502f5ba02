// The dashboard: the panels of every capability for the current area.
import { h, pageHead } from '../js/dom.js';
import { state } from '../js/state.js';
import { errorBox } from '../js/errors.js';
import { panelsFor } from './registry.js';
import './panels/index.js';

export default {
  title: 'dashboard.title',
  usesArea: true,
  async render(main, ctx) {
    const refresh = h('button', { type: 'button', class: 'btn btn-secondary', i18n: 'action.refresh' });
    main.append(pageHead('dashboard.title', null, refresh));
    if (!state.area) { main.append(h('p', { class: 'empty', i18n: 'area.none' })); return; }
    main.append(h('p', { class: 'muted', i18n: 'dashboard.for_area', vars: { name: state.area.name } }));
    const grid = h('div', { class: 'panels' });
    main.append(grid);
    const list = panelsFor(state.user.role);
    const sections = list.map((p) => {
      const body = h('div', { class: 'panel-body' });
      const id = `panel-${p.id}`;
      const section = h('section', { class: `card panel${p.wide ? ' wide' : ''}`, id, 'aria-labelledby': `${id}-h` },
        h('div', { class: 'panel-head' }, h('h2', { id: `${id}-h`, i18n: p.title })), body);
      grid.append(section);
      return { p, body };
    });
    const load = () => Promise.all(sections.map(async ({ p, body }) => {
      body.replaceChildren(h('p', { class: 'loading', i18n: 'common.loading' }));
      try {
        const inner = h('div');
        await p.render(inner, { area: state.area, user: state.user, signal: ctx.signal, onCleanup: ctx.onCleanup });
        if (!ctx.stale()) body.replaceChildren(inner);
      } catch (e) {
        if (e.name === 'AbortError' || ctx.stale()) return;
        body.replaceChildren(errorBox(e));
      }
    }));
    refresh.addEventListener('click', () => load());
    await load();
  },
};
