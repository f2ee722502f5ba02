// The area picker in the top bar: the user's current area, chosen from their
// own scope. Browses the tree one level at a time (children fetched lazily).
import { h, clear, uid, toast } from './dom.js';
import { state, setArea } from './state.js';
import { scopeRoots, childrenOf, pathTo, kindLabel } from './areas.js';
import { errorBox } from './errors.js';

let dialog = null;
let body = null;
let opener = null;

export function mountAreaButton(slot) {
  clear(slot);
  if (!state.user) return;
  const value = h('span', { class: 'value', text: state.area ? state.area.name : '' });
  opener = h('button', { type: 'button', class: 'area-button', id: 'area-button', 'aria-haspopup': 'dialog', onclick: () => openPicker() },
    h('span', { class: 'label', i18n: 'area.current' }), value);
  slot.append(opener);
}

export function updateAreaButton() {
  const v = document.querySelector('#area-button .value');
  if (v) v.textContent = state.area ? state.area.name : '';
}

function ensureDialog() {
  if (dialog) return;
  const titleId = uid('picker-title');
  body = h('div', { class: 'picker-body' });
  dialog = h('dialog', { class: 'picker', 'aria-labelledby': titleId, id: 'area-picker' },
    h('div', { class: 'picker-head' },
      h('h2', { id: titleId, i18n: 'area.pick_title' }),
      h('button', { type: 'button', class: 'btn btn-quiet btn-small', i18n: 'action.close', onclick: () => dialog.close() })),
    body);
  document.body.append(dialog);
}

export async function openPicker(onPicked) {
  ensureDialog();
  dialog.onPicked = onPicked || null;
  if (!dialog.open) dialog.showModal();
  await browse(state.area ? state.area.code : null);
}

function pick(a) {
  setArea(a);
  updateAreaButton();
  dialog.close();
  toast('area.switched', { name: a.name });
  if (dialog.onPicked) dialog.onPicked(a);
  if (opener) opener.focus();
}

async function browse(code) {
  clear(body).append(h('p', { class: 'loading', i18n: 'common.loading' }));
  try {
    const roots = await scopeRoots();
    let path = [];
    let kids;
    let more = null;
    if (code) {
      path = await pathTo(code);
      const r = await childrenOf(code);
      kids = r.items;
      more = r.next_cursor;
    } else {
      kids = roots;
    }
    const here = path[path.length - 1];
    clear(body);
    // Where we are: every level from the top of the scope, each a button to go back up.
    const crumbs = h('ol', { class: 'crumbs', i18nAttr: { 'aria-label': 'area.path' } });
    if (!state.user.area) crumbs.append(h('li', null, h('button', { type: 'button', class: 'link-button', i18n: 'area.all', onclick: () => browse(null) })));
    for (const a of path) {
      crumbs.append(h('li', null, a === here
        ? h('span', { 'aria-current': 'location', text: a.name })
        : h('button', { type: 'button', class: 'link-button', text: a.name, onclick: () => browse(a.code) })));
    }
    body.append(crumbs);
    if (here) {
      body.append(h('div', { class: 'picker-current' },
        h('strong', { text: `${here.name} · ${kindLabel(here.kind)}` }),
        h('button', { type: 'button', class: 'btn', i18n: 'area.pick_this', onclick: () => pick(here) })));
    }
    if (!kids.length) {
      body.append(h('p', { class: 'empty', i18n: 'area.no_children' }));
      return;
    }
    body.append(h('h3', { i18n: here ? 'area.children_of' : 'area.top_areas', vars: here ? { name: here.name } : undefined }));
    const list = h('ul', { class: 'picker-list' });
    for (const a of kids) {
      list.append(h('li', null,
        h('button', { type: 'button', class: 'btn btn-secondary pick', onclick: () => pick(a) },
          h('span', { text: a.name }), h('span', { class: 'small', text: ` · ${kindLabel(a.kind)}` })),
        a.kind !== 'unit' ? h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => browse(a.code) },
          h('span', { i18n: 'area.open_children' }), h('span', { class: 'sr-only', text: ` ${a.name}` })) : null));
    }
    body.append(list);
    if (more) body.append(h('p', { class: 'muted small', i18n: 'area.more_children' }));
    const first = body.querySelector('.pick');
    if (first) first.focus();
  } catch (e) {
    clear(body).append(errorBox(e));
  }
}
