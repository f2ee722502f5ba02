import { h, uid } from '../dom.js';
import { post } from '../api.js';
import { errorBox } from '../errors.js';
import { loggedIn, loginNoticeKey } from '../app.js';

export default {
  title: 'login.title',
  keepOnLangChange: true,
  render(main) {
    const notice = loginNoticeKey();
    const msg = h('div', { id: 'login-message', 'aria-live': 'assertive' });
    if (notice) {
      msg.append(h('div', { class: `alert ${notice === 'login.expired' ? 'alert-warn' : 'alert-info'}`, role: 'alert' },
        h('p', { class: 'what', i18n: notice })));
    }
    const uId = uid('user'); const pId = uid('pass');
    const user = h('input', { type: 'text', id: uId, name: 'username', autocomplete: 'username', autocapitalize: 'off', spellcheck: 'false', required: true });
    const pass = h('input', { type: 'password', id: pId, name: 'password', autocomplete: 'current-password', required: true });
    const button = h('button', { type: 'submit', class: 'btn btn-block', i18n: 'login.submit' });
    const form = h('form', { class: 'card', novalidate: true },
      h('h1', { tabindex: '-1', i18n: 'login.title' }),
      h('p', { class: 'login-lead', i18n: 'login.lead' }),
      msg,
      h('div', { class: 'field' }, h('label', { for: uId, class: 'req', i18n: 'login.username' }), user),
      h('div', { class: 'field' }, h('label', { for: pId, class: 'req', i18n: 'login.password' }), pass),
      button);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      msg.replaceChildren();
      if (!user.value.trim() || !pass.value) {
        msg.append(h('div', { class: 'alert alert-error', role: 'alert' }, h('p', { class: 'what', i18n: 'login.fill_both' })));
        (user.value.trim() ? pass : user).focus();
        return;
      }
      button.disabled = true;
      try {
        const resp = await post('/session', { username: user.value.trim(), password: pass.value }, { quiet401: true });
        await loggedIn(resp);
      } catch (err) {
        msg.append(errorBox(err));
        pass.value = '';
        pass.focus();
      } finally {
        button.disabled = false;
      }
    });
    main.append(h('div', { class: 'login' }, form));
    user.focus();
  },
};
