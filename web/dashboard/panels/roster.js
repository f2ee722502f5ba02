// Roster gaps: posts with a gap in their coverage in the next 24 hours, each gap in words
// (GET /roster/gaps: the next day's shifts only, a small indexed read).
import { registerPanel } from '../registry.js';
import { h } from '../../js/dom.js';
import { fmtNum } from '../../js/i18n.js';
import { get } from '../../js/api.js';

registerPanel({
  id: 'roster',
  title: 'panel.roster.title',
  roles: ['admin', 'officer', 'staff'],
  order: 8,
  async render(el, ctx) {
    const r = await get('/roster/gaps', { hours: 24 }, { signal: ctx.signal });
    const posts = new Set(r.gaps.map((g) => g.post));
    el.append(h('div', { class: 'tiles' },
      h('a', { class: `tile tile-link${posts.size ? ' tile-alert' : ''}`, href: '#/roster', dataset: { count: 'posts_with_gaps' } },
        h('span', { class: 'n', text: fmtNum(posts.size) }), h('span', { class: 'l', i18n: 'panel.roster.posts_with_gaps' })),
      h('a', { class: 'tile tile-link', href: '#/roster', dataset: { count: 'posts' } },
        h('span', { class: 'n', text: fmtNum(r.posts.length) }), h('span', { class: 'l', i18n: 'panel.roster.posts' }))),
    r.gaps.length ? h('ul', { class: 'roster-gaps' }, r.gaps.slice(0, 8).map((g) => h('li', null,
      h('strong', { text: g.post_name }), ' ', h('span', { i18n: 'panel.roster.gap', vars: { text: g.text } }))))
      : h('p', { class: 'muted', i18n: 'panel.roster.none' }));
  },
});
