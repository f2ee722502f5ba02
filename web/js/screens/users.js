// User accounts (admins): who may log in, with which role and area; add one,
// disable or enable one, give one a new password (each ends their sessions).
import { h, clear, pageHead, table, loading, toast, uid } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, patch, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { badge } from '../round/common.js';

const ROLES = ['staff', 'volunteer', 'registrar', 'driver', 'lab', 'officer', 'admin'];
const field = (id, key, input, req) => h('div', { class: 'field' }, h('label', { for: id, class: req ? 'req' : null, i18n: key }), input);

function addForm(onDone) {
  const id = uid('us');
  const username = h('input', { type: 'text', id: `${id}-u`, name: 'username', maxlength: 64, autocomplete: 'off' });
  const display = h('input', { type: 'text', id: `${id}-d`, name: 'display_name', maxlength: 64, autocomplete: 'off' });
  const role = h('select', { id: `${id}-r`, name: 'role' }, ROLES.map((r) => h('option', { value: r, i18n: `role.${r}` })));
  const area = h('input', { type: 'text', id: `${id}-a`, name: 'area', maxlength: 64, autocomplete: 'off' });
  const password = h('input', { type: 'password', id: `${id}-p`, name: 'password', minlength: 8, maxlength: 128, autocomplete: 'new-password' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: 'form', novalidate: true, id: 'user-add' },
    h('div', { class: 'row' }, field(`${id}-u`, 'users.username', username, true), field(`${id}-d`, 'users.display_name', display)),
    h('div', { class: 'row' }, field(`${id}-r`, 'users.role', role, true), field(`${id}-a`, 'users.area', area)),
    field(`${id}-p`, 'users.password', password, true), h('p', { class: 'hint', i18n: 'users.password_hint' }),
    msg, h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'users.add' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const bad = (key, el) => { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: key })); el.focus(); };
    if (!username.value.trim()) { bad('users.username_required', username); return; }
    if (role.value !== 'admin' && !area.value.trim()) { bad('users.area_required', area); return; }
    if (password.value.length < 8) { bad('users.password_short', password); return; }
    const body = { username: username.value.trim(), role: role.value, password: password.value };
    if (display.value.trim()) body.display_name = display.value.trim();
    if (area.value.trim()) body.area = area.value.trim();
    try {
      await post('/users', body);
      toast('users.added', { name: body.username });
      form.reset();
      await onDone();
    } catch (err) { msg.append(errorBox(err)); }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'users-add-h' }, h('h2', { id: 'users-add-h', i18n: 'users.add_title' }), form);
}

/** Disable or enable, and a new password: a row's actions. */
function actions(u, onDone) {
  const id = uid('ur');
  const msg = h('div', { 'aria-live': 'assertive' });
  const change = async (body, key) => {
    clear(msg);
    try {
      await patch(`/users/${enc(u.username)}`, body);
      toast(key, { name: u.username });
      await onDone();
    } catch (err) { msg.append(errorBox(err)); }
  };
  const toggle = h('button', { type: 'button', class: 'btn btn-small', i18n: u.disabled ? 'users.enable' : 'users.disable' });
  toggle.addEventListener('click', () => change({ disabled: !u.disabled }, u.disabled ? 'users.enabled' : 'users.disabled_done'));
  const pw = h('input', { type: 'password', id: `${id}-p`, name: 'password', minlength: 8, maxlength: 128, autocomplete: 'new-password' });
  const form = h('form', { class: 'row-form', novalidate: true },
    field(`${id}-p`, 'users.new_password', pw), h('button', { type: 'submit', class: 'btn btn-small', i18n: 'users.set_password' }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (pw.value.length < 8) { clear(msg).append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'users.password_short' })); pw.focus(); return; }
    change({ password: pw.value }, 'users.password_set');
  });
  return h('div', { dataset: { user: u.username } }, toggle, form, msg);
}

export default {
  title: 'users.title',
  async render(main, ctx) {
    const body = h('div', { 'aria-live': 'polite' }, loading());
    const load = async () => {
      const r = await get('/users', { limit: 500 }, { signal: ctx.signal });
      clear(body).append(table([
        { key: 'users.username', cell: (u) => h('span', { class: 'mono', text: u.username }) },
        { key: 'users.display_name', cell: (u) => u.display_name || '' },
        { key: 'users.role', cell: (u) => t(`role.${u.role}`) },
        { key: 'users.area', cell: (u) => u.area || '' },
        { key: 'common.status', cell: (u) => (u.disabled ? badge('users.is_disabled', 'fail') : badge('users.is_active', 'ok')) },
        { key: 'common.actions', cell: (u) => actions(u, load) },
      ], r.items, { caption: 'users.list' }));
    };
    main.append(pageHead('users.title'),
      h('section', { class: 'card', id: 'users', 'aria-labelledby': 'users-h' }, h('h2', { id: 'users-h', i18n: 'users.list' }), body),
      addForm(load));
    try { await load(); } catch (e) { clear(body).append(errorBox(e)); }
  },
};
