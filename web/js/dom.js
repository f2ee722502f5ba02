// A tiny element builder. Text shown to the user comes from catalogue keys:
//   h('button', {i18n: 'action.save'})            text from the catalogue
//   h('p', {i18n: 'persons.results', vars: {n: 3}}) with variables
//   h('input', {i18nAttr: {placeholder: 'k'}})    translated attributes
//   h('td', {text: person.name})                  data from the server, never translated
import { t, applyI18n } from './i18n.js';

export function h(tag, attrs, ...children) {
  const svg = tag.startsWith('svg:');
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'i18n') {
        el.dataset.i18n = v;
        if (attrs.vars) el.dataset.i18nVars = JSON.stringify(attrs.vars);
        el.textContent = t(v, attrs.vars);
      } else if (k === 'vars') {
        // handled with i18n
      } else if (k === 'i18nAttr') {
        el.dataset.i18nAttr = Object.entries(v).map(([a, key]) => `${a}:${key}`).join(';');
        for (const [a, key] of Object.entries(v)) el.setAttribute(a, t(key));
      } else if (k === 'text') {
        el.textContent = v;
      } else if (k === 'class') {
        el.setAttribute('class', v);
      } else if (k === 'dataset') {
        Object.assign(el.dataset, v);
      } else if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2), v);
      } else if (k === 'value' && !svg) {
        el.value = v;
      } else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'required' || k === 'multiple') {
        el[k] = !!v;
      } else if (v === true) {
        el.setAttribute(k, '');
      } else {
        el.setAttribute(k, String(v));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}

let seq = 0;
export function uid(prefix = 'fx') { seq += 1; return `${prefix}-${seq}`; }

/** A table: columns [{key: i18n key of the header, cell: row => node|string, num?: bool}] */
export function table(columns, rows, { stack = true, caption } = {}) {
  const thead = h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null, i18n: c.key }))));
  const tbody = h('tbody', null, rows.map((r) => h('tr', null, columns.map((c) => {
    const td = h('td', { class: c.num ? 'num' : null, i18nAttr: { 'data-label': c.key } });
    append(td, [c.cell(r)]);
    return td;
  }))));
  const tbl = h('table', { class: stack ? 'stack' : null }, caption ? h('caption', { class: 'sr-only', i18n: caption }) : null, thead, tbody);
  return h('div', { class: 'table-wrap' }, tbl);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status', i18n: 'common.loading' });
}

let toastTimer = 0;
export function toast(key, vars) {
  const el = document.getElementById('toast');
  if (!el) return;
  el.dataset.i18n = key;
  if (vars) el.dataset.i18nVars = JSON.stringify(vars); else delete el.dataset.i18nVars;
  applyI18n(el);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.textContent = ''; delete el.dataset.i18n; }, 4000);
}

export function pageHead(titleKey, vars, ...actions) {
  return h('div', { class: 'page-head' },
    h('h1', { tabindex: '-1', i18n: titleKey, vars }),
    actions);
}

export function linkButton(href, key, cls = 'btn') {
  return h('a', { class: cls, href, i18n: key });
}
