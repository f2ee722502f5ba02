import { h, pageHead } from '../dom.js';
import { t } from '../i18n.js';
import { state } from '../state.js';
import { homeFor } from '../nav.js';

// Shown instead of a screen the user's role may not open.
export default {
  title: 'forbidden.title',
  render(main) {
    const role = state.user.role;
    main.append(
      pageHead('forbidden.title'),
      h('div', { class: 'alert alert-error', role: 'alert', id: 'forbidden' },
        h('p', { class: 'what', text: t('forbidden.what', { role: t(`role.${role}`) }) }),
        h('p', { class: 'next', i18n: 'forbidden.next' })),
      h('a', { class: 'btn', href: `#${homeFor(role)}`, i18n: 'common.back_home' }));
  },
};
