// Printing: personal code cards for an area's people (those without a
// smartphone, or everyone) and tube or box label ranges, as PDF downloads.
import { h, clear, pageHead, toast } from '../dom.js';
import { t } from '../i18n.js';
import { state } from '../state.js';
import { openPicker } from '../area-picker.js';
import { errorBox } from '../errors.js';
import { halfWidth } from '../validate.js';
import { download } from '../round/common.js';

function radios(name, key, values, checked) {
  return h('fieldset', null, h('legend', { i18n: key }), h('div', { class: 'checks' }, values.map((v) => {
    const id = `${name}-${v}`;
    return h('label', { class: 'check', for: id }, h('input', { type: 'radio', id, name, value: v, checked: v === checked }), h('span', { i18n: `${key}.${v}` }));
  })));
}

const value = (form, name) => form.querySelector(`input[name="${name}"]:checked`).value;

function cardsForm() {
  let where = state.area;
  const whereName = h('strong', { id: 'pc-area', text: where ? where.name : t('area.none') });
  const change = h('button', { type: 'button', class: 'btn btn-secondary btn-small', i18n: 'area.change',
    onclick: () => openPicker((a) => { where = a; whereName.textContent = a.name; change.focus(); }) });
  const msg = h('div', { 'aria-live': 'assertive' });
  const go = h('button', { type: 'submit', class: 'btn', i18n: 'print.cards_download' });
  const form = h('form', { class: 'card', id: 'cards-form', novalidate: true, 'aria-labelledby': 'pc-h' },
    h('h2', { id: 'pc-h', i18n: 'print.cards' }), h('p', { class: 'muted', i18n: 'print.cards_hint' }),
    h('div', { class: 'field' }, h('span', { class: 'label', i18n: 'print.area' }), h('div', { class: 'row' }, whereName, change)),
    radios('pc-who', 'print.who', ['no_smartphone', 'all'], 'no_smartphone'),
    radios('pc-layout', 'print.layout', ['sheet', 'single'], 'sheet'),
    msg, h('div', { class: 'form-actions' }, go));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    if (!where) { msg.append(h('div', { class: 'alert alert-error', role: 'alert' }, h('p', { class: 'what', i18n: 'area.none' }))); return; }
    go.disabled = true;
    try {
      const res = await download('/print/cards', { area: where.code, all: value(form, 'pc-who') === 'all' ? 1 : null, layout: value(form, 'pc-layout') }, `cards-${where.code}.pdf`);
      toast('print.cards_done', { n: Number(res.headers.get('X-Cards')) || 0 });
    } catch (err) { msg.append(errorBox(err)); } finally { go.disabled = false; }
  });
  return form;
}

function labelsForm() {
  const input = (id, attrs) => h('input', { id, autocomplete: 'off', ...attrs });
  const ctl = {
    prefix: input('pl-prefix', { type: 'text', value: 'T', maxlength: 20, class: 'mono', 'aria-describedby': 'pl-prefix-hint' }),
    from: input('pl-from', { type: 'number', value: 1, min: 0, inputmode: 'numeric' }),
    count: input('pl-count', { type: 'number', value: 24, min: 1, max: 2400, inputmode: 'numeric', 'aria-describedby': 'pl-count-hint' }),
    digits: input('pl-digits', { type: 'number', value: 8, min: 1, max: 18, inputmode: 'numeric' }),
  };
  const f = (k, key, hint) => h('div', { class: 'field' }, h('label', { for: `pl-${k}`, class: 'req', i18n: key }), ctl[k],
    hint ? h('span', { class: 'hint', id: `pl-${k}-hint`, i18n: hint }) : null);
  const msg = h('div', { 'aria-live': 'assertive' });
  const go = h('button', { type: 'submit', class: 'btn', i18n: 'print.labels_download' });
  const form = h('form', { class: 'card', id: 'labels-form', novalidate: true, 'aria-labelledby': 'pl-h' },
    h('h2', { id: 'pl-h', i18n: 'print.labels' }), h('p', { class: 'muted', i18n: 'print.labels_hint' }),
    radios('pl-kind', 'print.kind', ['tube', 'box'], 'tube'),
    h('div', { class: 'form-grid' }, f('prefix', 'print.prefix', 'print.prefix_hint'), f('from', 'print.from'), f('count', 'print.count', 'print.count_hint'), f('digits', 'print.digits')),
    radios('pl-layout', 'print.layout', ['sheet', 'single'], 'sheet'),
    msg, h('div', { class: 'form-actions' }, go));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const prefix = halfWidth(ctl.prefix.value);
    go.disabled = true;
    try {
      await download('/print/labels', { prefix, from: ctl.from.value, count: ctl.count.value, digits: ctl.digits.value,
        kind: value(form, 'pl-kind'), layout: value(form, 'pl-layout') }, `labels-${prefix}.pdf`);
      toast('print.labels_done', { n: Number(ctl.count.value) || 0 });
    } catch (err) { msg.append(errorBox(err)); } finally { go.disabled = false; }
  });
  return form;
}

export default {
  title: 'print.title',
  keepOnLangChange: true,
  render(main) {
    main.append(pageHead('print.title'), cardsForm(), labelsForm());
  },
};
