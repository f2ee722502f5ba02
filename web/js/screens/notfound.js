import { h, pageHead } from '../dom.js';
import { state } from '../state.js';
import { homeFor } from '../nav.js';

export default {
  title: 'notfound.title',
  render(main) {
    main.append(pageHead('notfound.title'),
      h('p', { i18n: 'notfound.body' }),
      h('a', { class: 'btn', href: `#${homeFor(state.user.role)}`, i18n: 'common.back_home' }));
  },
};
