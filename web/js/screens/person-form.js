// Add or edit a person. Fields are checked as they are typed (ID checksum,
// phone, required); the server checks again and its answer is shown next to
// the field it names ("phone: …").
import { h, clear, pageHead, uid, toast } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, patch } from '../api.js';
import { errorBox, errorField, fieldErrorText } from '../errors.js';
import { state } from '../state.js';
import { area as getArea } from '../areas.js';
import { openPicker } from '../area-picker.js';
import { CATEGORIES, FLAGS, ID_TYPES } from '../person-view.js';
import { checkIdNumber, checkDocNumber, checkPhone, checkRequired, halfWidth } from '../validate.js';
import { go } from '../app.js';

function fieldBox(id, labelKey, control, { required = false, hint } = {}) {
  const msg = h('span', { class: 'field-msg', id: `${id}-msg`, 'aria-live': 'polite' });
  const hintEl = hint ? h('span', { class: 'hint', id: `${id}-hint`, i18n: hint }) : null;
  control.setAttribute('aria-describedby', [hint ? `${id}-hint` : null, `${id}-msg`].filter(Boolean).join(' '));
  if (required) control.setAttribute('aria-required', 'true');
  return h('div', { class: 'field', dataset: { field: id } },
    h('label', { for: control.id, class: required ? 'req' : null, i18n: labelKey }), control, hintEl, msg);
}

function setMsg(control, kind, key, vars, text) {
  const msg = document.getElementById(`${control.id}-msg`);
  if (!msg) return;
  msg.className = `field-msg${kind ? ` ${kind}` : ''}`;
  delete msg.dataset.i18n;
  delete msg.dataset.i18nVars;
  if (key) {
    msg.dataset.i18n = key;
    if (vars) msg.dataset.i18nVars = JSON.stringify(vars);
    msg.textContent = t(key, vars);
  } else msg.textContent = text || '';
  control.setAttribute('aria-invalid', kind === 'error' ? 'true' : 'false');
  control.classList.toggle('valid', kind === 'ok');
}

export default {
  title: 'person.form_title',
  keepOnLangChange: true,
  async render(main, ctx) {
    const editing = ctx.params.id;
    const p = editing ? await get(`/persons/${ctx.params.id}`, null, { signal: ctx.signal }) : null;
    const hhId = !editing && ctx.query.get('household');
    const hh = hhId ? await get(`/households/${hhId}`, null, { signal: ctx.signal }) : null;
    let place = null;
    if (!editing && !hh) {
      const code = ctx.query.get('area') || (state.area && state.area.code);
      place = code ? await getArea(code) : null;
    }
    main.append(pageHead(editing ? 'person.edit_title' : 'person.add_title', editing ? { name: p.name } : null));
    if (p && p.masked) {
      main.append(h('div', { class: 'alert alert-warn', role: 'alert' }, h('p', { class: 'what', i18n: 'person.masked_cannot_edit' })));
    }

    const I = (name, attrs = {}) => h('input', { type: 'text', id: `pf-${name}`, name, autocomplete: 'off', ...attrs });
    const name = I('name', { maxlength: 50, autocomplete: 'name' });
    const idType = h('select', { id: 'pf-id_type', name: 'id_type' },
      ID_TYPES.map((v) => h('option', { value: v, i18n: `id_type.${v}` })));
    const idNumber = I('id_number', { maxlength: 40, inputmode: 'text', autocapitalize: 'characters', spellcheck: 'false', class: 'mono' });
    const phone = I('phone', { type: 'tel', maxlength: 30, inputmode: 'tel', autocomplete: 'tel' });
    const category = h('select', { id: 'pf-category', name: 'category' },
      CATEGORIES.map((v) => h('option', { value: v, i18n: `category.${v}` })));
    const employer = I('employer', { maxlength: 100 });
    const flagBoxes = FLAGS.map((f) => h('input', { type: 'checkbox', id: `pf-flag-${f}`, value: f }));
    const party = h('input', { type: 'checkbox', id: 'pf-party_member' });
    const room = I('room', { maxlength: 20 });
    const address = I('address', { maxlength: 100 });

    if (p) {
      name.value = p.name;
      idType.value = p.id_type || 'id_card';
      idNumber.value = p.masked ? '' : p.id_number;
      phone.value = p.masked ? '' : p.phone || '';
      category.value = p.category || 'resident';
      employer.value = p.employer || '';
      flagBoxes.forEach((b) => { b.checked = (p.flags || []).includes(b.value); });
      party.checked = !!p.party_member;
    }

    // ---- checks as you type ----
    function checkId(final) {
      const v = halfWidth(idNumber.value).toUpperCase();
      if (!v) { if (final) setMsg(idNumber, 'error', 'validate.required'); else setMsg(idNumber, null); return !final; }
      if (idType.value !== 'id_card') {
        const e = checkDocNumber(v);
        if (e && (final || v.length > 30)) { setMsg(idNumber, 'error', e); return false; }
        setMsg(idNumber, e ? null : 'ok', e ? null : 'validate.doc_ok');
        return !e;
      }
      const e = checkIdNumber(v);
      // while typing, length and date problems wait until all 18 characters are in
      const early = e === 'reason.id_chars' || (e === 'reason.id_region' && v.length >= 2);
      if (e && (final || early || v.length >= 18)) { setMsg(idNumber, 'error', e); return false; }
      if (e) { setMsg(idNumber, null, null, null, ''); return true; }
      const full = v.length === 15 ? `${v.slice(0, 6)}19${v.slice(6)}` : v;
      const birth = `${full.slice(6, 10)}-${full.slice(10, 12)}-${full.slice(12, 14)}`;
      const sex = Number(full[16]) % 2 ? 'M' : 'F';
      setMsg(idNumber, 'ok', `validate.id_ok_${sex}`, { birth });
      return true;
    }
    function checkPhoneField(final) {
      const v = halfWidth(phone.value);
      const e = checkPhone(v);
      const digits = v.replace(/\D/g, '');
      if (!v) { setMsg(phone, null); return true; }
      if (e && (final || digits.length >= 11 || /[^\d\s+-]/.test(v))) { setMsg(phone, 'error', e); return false; }
      if (e) { setMsg(phone, null); return true; }
      setMsg(phone, 'ok', 'validate.phone_ok');
      return true;
    }
    function checkName(final) {
      const e = checkRequired(name.value);
      if (e && final) { setMsg(name, 'error', e); return false; }
      setMsg(name, null);
      return !e;
    }
    const skipId = () => p && p.masked && !idNumber.value;
    idNumber.addEventListener('input', () => checkId(false));
    idNumber.addEventListener('blur', () => { if (!skipId()) checkId(true); });
    idType.addEventListener('change', () => { if (idNumber.value) checkId(true); });
    phone.addEventListener('input', () => checkPhoneField(false));
    phone.addEventListener('blur', () => checkPhoneField(true));
    name.addEventListener('input', () => checkName(false));
    name.addEventListener('blur', () => checkName(true));

    // ---- where the person lives ----
    const placeBox = h('div');
    let placeArea = place;
    function renderPlace() {
      clear(placeBox);
      if (hh) {
        placeBox.append(h('p', null, h('span', { class: 'muted', i18n: 'person.household' }), ' ', h('strong', { text: hh.full_address || hh.room })));
        return;
      }
      if (editing) {
        placeBox.append(h('p', null, h('span', { class: 'muted', i18n: 'person.current_address' }), ' ', h('strong', { text: p.address || '' })),
          h('p', { class: 'hint', i18n: 'person.move_hint' }));
      }
      const areaLine = h('div', { class: 'field' },
        h('span', { class: 'label', id: 'pf-area-label', i18n: 'person.area' }),
        h('div', { class: 'row' },
          h('strong', { id: 'pf-area', 'aria-labelledby': 'pf-area-label', text: placeArea ? placeArea.name : t('area.none') }),
          h('button', { type: 'button', class: 'btn btn-secondary btn-small', i18n: 'area.change', onclick: () => openPicker((a) => { placeArea = a; renderPlace(); }) })),
        h('span', { class: 'hint', i18n: 'person.area_hint' }));
      placeBox.append(areaLine, h('div', { class: 'form-grid' },
        fieldBox('pf-room', 'household.room', room, { hint: 'person.room_hint' }),
        fieldBox('pf-address', 'person.address_extra', address, { hint: 'person.address_hint' })));
    }
    renderPlace();

    const summary = h('div', { id: 'form-summary', 'aria-live': 'assertive' });
    const save = h('button', { type: 'submit', class: 'btn', i18n: 'action.save' });
    const form = h('form', { class: 'card', novalidate: true, id: 'person-form' },
      summary,
      h('div', { class: 'form-grid' },
        fieldBox('pf-name', 'person.name', name, { required: true }),
        fieldBox('pf-id_type', 'person.id_type', idType),
        fieldBox('pf-id_number', 'person.id_number', idNumber, { required: !(p && p.masked), hint: p && p.masked ? 'person.masked_keep' : 'person.id_hint' }),
        fieldBox('pf-phone', 'person.phone', phone, { hint: 'person.phone_hint' }),
        fieldBox('pf-category', 'person.category', category),
        fieldBox('pf-employer', 'person.employer', employer)),
      h('fieldset', null, h('legend', { i18n: 'person.tags' }),
        h('div', { class: 'checks' },
          flagBoxes.map((b) => h('label', { class: 'check', for: b.id }, b, h('span', { i18n: `flag.${b.value}` }))),
          h('label', { class: 'check', for: party.id }, party, h('span', { i18n: 'person.party_member' })))),
      h('fieldset', null, h('legend', { i18n: 'person.where' }), placeBox),
      h('div', { class: 'form-actions' }, save,
        h('a', { class: 'btn btn-quiet', href: editing ? `#/persons/${p.id}` : (hh ? `#/households/${hh.id}` : '#/persons'), i18n: 'action.cancel' })));
    main.append(form);
    name.focus();

    const controls = { name, id_type: idType, id_number: idNumber, phone, category, employer, room, address, area: null };

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(summary);
      const bad = [];
      if (!checkName(true)) bad.push(name);
      if (!skipId() && !checkId(true)) bad.push(idNumber);
      if (!checkPhoneField(true)) bad.push(phone);
      if (!editing && !hh && !placeArea) bad.push(null);
      if (bad.length) {
        summary.append(h('div', { class: 'alert alert-error', role: 'alert' },
          h('p', { class: 'what', i18n: 'validate.summary', vars: { n: bad.length } })));
        const first = bad.find(Boolean);
        if (first) first.focus();
        return;
      }
      const body = {};
      const flags = flagBoxes.filter((b) => b.checked).map((b) => b.value);
      const val = (el) => halfWidth(el.value);
      if (!editing) {
        Object.assign(body, { name: val(name), id_type: idType.value, id_number: val(idNumber).toUpperCase(), category: category.value, flags, party_member: party.checked });
        if (val(phone)) body.phone = val(phone);
        if (val(employer)) body.employer = val(employer);
        if (hh) body.household = hh.id;
        else {
          body.area = placeArea.code;
          if (val(room)) body.room = val(room);
          if (val(address)) body.address = val(address);
        }
      } else {
        if (val(name) !== p.name) body.name = val(name);
        if (idType.value !== p.id_type) body.id_type = idType.value;
        if (val(idNumber) && val(idNumber).toUpperCase() !== p.id_number) { body.id_number = val(idNumber).toUpperCase(); body.id_type = idType.value; }
        if (!p.masked && val(phone) !== (p.phone || '')) body.phone = val(phone);
        if (p.masked && val(phone)) body.phone = val(phone);
        if (category.value !== p.category) body.category = category.value;
        if (val(employer) !== (p.employer || '')) body.employer = val(employer);
        if (flags.join() !== (p.flags || []).join()) body.flags = flags;
        if (party.checked !== !!p.party_member) body.party_member = party.checked;
        if (val(room) || val(address)) {
          body.area = placeArea ? placeArea.code : p.area;
          if (val(room)) body.room = val(room);
          if (val(address)) body.address = val(address);
        }
        if (!Object.keys(body).length) { go(`/persons/${p.id}`); return; }
      }
      save.disabled = true;
      try {
        const saved = editing ? await patch(`/persons/${p.id}`, body) : await post('/persons', body);
        toast('person.saved', { name: saved.name });
        go(`/persons/${saved.id}`);
      } catch (err) {
        const f = errorField(err);
        const control = f && controls[f];
        if (control) {
          setMsg(control, 'error', null, null, fieldErrorText(err));
          control.focus();
          summary.append(h('div', { class: 'alert alert-error', role: 'alert' }, h('p', { class: 'what', i18n: 'validate.server_field' })));
        } else {
          summary.append(errorBox(err));
          summary.scrollIntoView({ block: 'nearest' });
        }
      } finally {
        save.disabled = false;
      }
    });
  },
};
