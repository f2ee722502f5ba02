import { h, pageHead } from '../dom.js';
import { state } from '../state.js';
import { homeFor } from '../nav.js';

// A placeholder for screens that later capabilities deliver (sampling, runs…).
export default {
  get title() { return 'soon.title'; },
  render(main, ctx) {
    const what = ctx.route.soon;
    main.append(
      pageHead(`soon.${what}.title`),
      h('div', { class: 'card' },
        h('p', { class: 'alert alert-info', role: 'status', i18n: 'soon.message' }),
        h('p', { i18n: `soon.${what}.body` }),
        homeFor(state.user.role) !== ctx.path ? h('a', { class: 'btn btn-secondary', href: `#${homeFor(state.user.role)}`, i18n: 'common.back_home' }) : null));
  },
};
