// Register a merchant in the current area (or another one picked here).
import { h, clear, pageHead, toast } from '../dom.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { errorBox, errorField, fieldErrorText } from '../errors.js';
import { state } from '../state.js';
import { openPicker } from '../area-picker.js';
import { checkPhone, checkRequired, halfWidth } from '../validate.js';
import { go } from '../app.js';

export default {
  title: 'merchant.add',
  keepOnLangChange: true,
  render(main) {
    let area = state.area;
    const I = (name, attrs = {}) => h('input', { type: 'text', id: `mf-${name}`, name, autocomplete: 'off', 'aria-describedby': `mf-${name}-msg`, ...attrs });
    const ctl = {
      name: I('name', { maxlength: 100, 'aria-required': 'true' }),
      licence: I('licence', { maxlength: 40, class: 'mono', autocapitalize: 'characters' }),
      address: I('address', { maxlength: 100 }),
      contact_name: I('contact_name', { maxlength: 50 }),
      contact_phone: I('contact_phone', { type: 'tel', inputmode: 'tel', maxlength: 30 }),
    };
    const msgEl = (k) => h('span', { class: 'field-msg', id: `mf-${k}-msg`, 'aria-live': 'polite' });
    const box = (k, key, req) => h('div', { class: 'field' }, h('label', { for: `mf-${k}`, class: req ? 'req' : null, i18n: key }), ctl[k], msgEl(k));
    const show = (k, kind, text) => {
      const m = document.getElementById(`mf-${k}-msg`);
      m.className = `field-msg${kind ? ` ${kind}` : ''}`;
      m.textContent = text || '';
      ctl[k].setAttribute('aria-invalid', kind === 'error' ? 'true' : 'false');
    };
    const checkName = (final) => { const e = checkRequired(ctl.name.value); show('name', e && final ? 'error' : null, e && final ? t(e) : ''); return !e; };
    const checkTel = (final) => {
      const v = halfWidth(ctl.contact_phone.value);
      const e = checkPhone(v);
      if (e && (final || v.replace(/\D/g, '').length >= 11)) { show('contact_phone', 'error', t(e)); return false; }
      show('contact_phone', !e && v ? 'ok' : null, !e && v ? t('validate.phone_ok') : '');
      return !e;
    };
    ctl.name.addEventListener('blur', () => checkName(true));
    ctl.name.addEventListener('input', () => checkName(false));
    ctl.contact_phone.addEventListener('input', () => checkTel(false));
    ctl.contact_phone.addEventListener('blur', () => checkTel(true));
    const areaName = h('strong', { text: area ? area.name : t('area.none') });
    const summary = h('div', { 'aria-live': 'assertive' });
    const save = h('button', { type: 'submit', class: 'btn', i18n: 'action.save' });
    const form = h('form', { class: 'card', novalidate: true },
      summary,
      h('div', { class: 'field' }, h('span', { class: 'label', i18n: 'merchant.area' }),
        h('div', { class: 'row' }, areaName, h('button', { type: 'button', class: 'btn btn-secondary btn-small', i18n: 'area.change',
          onclick: () => openPicker((a) => { area = a; areaName.textContent = a.name; }) }))),
      h('div', { class: 'form-grid' }, box('name', 'merchant.name', true), box('licence', 'merchant.licence'), box('address', 'merchant.address'),
        box('contact_name', 'merchant.contact_name'), box('contact_phone', 'merchant.contact_phone')),
      h('div', { class: 'form-actions' }, save, h('a', { class: 'btn btn-quiet', href: '#/merchants', i18n: 'action.cancel' })));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(summary);
      const okName = checkName(true); const okTel = checkTel(true);
      if (!okName || !okTel || !area) {
        summary.append(h('div', { class: 'alert alert-error', role: 'alert' }, h('p', { class: 'what', i18n: area ? 'validate.summary_short' : 'area.none' })));
        (okName ? ctl.contact_phone : ctl.name).focus();
        return;
      }
      const body = { name: halfWidth(ctl.name.value), area: area.code };
      for (const k of ['licence', 'address', 'contact_name', 'contact_phone']) if (halfWidth(ctl[k].value)) body[k] = halfWidth(ctl[k].value);
      save.disabled = true;
      try {
        const m = await post('/merchants', body);
        toast('merchant.saved', { name: m.name });
        go(`/merchants/${m.id}`);
      } catch (err) {
        const f = errorField(err);
        if (f && ctl[f]) { show(f, 'error', fieldErrorText(err)); ctl[f].focus(); } else summary.append(errorBox(err));
      } finally { save.disabled = false; }
    });
    main.append(pageHead('merchant.add'), form);
    ctl.name.focus();
  },
};
