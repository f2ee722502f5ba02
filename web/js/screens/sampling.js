// The sampling table works on its own phone page, /collect/ (offline queue,
// scanner); this screen is where the menu's "sampling" item leads: what the
// page does and the way there, with identity checks one link away.
import { h, pageHead } from '../dom.js';

export default {
  title: 'sampling.title',
  render(main) {
    main.append(pageHead('sampling.title'),
      h('div', { class: 'card' },
        h('p', { i18n: 'sampling.body' }),
        h('p', { class: 'muted', i18n: 'sampling.offline' }),
        h('p', null, h('a', { class: 'btn btn-primary', href: '/collect/', id: 'open-collect', i18n: 'sampling.open' })),
        h('p', null, h('a', { href: '#/lookup', i18n: 'sampling.lookup' }))));
  },
};
