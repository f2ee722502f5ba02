// Navigation by role (contract.md, roles): each item says who sees it; the
// first item a role sees is where it lands after login.
//
// Every item names its group (one of GROUPS' ids); the menu shows the groups
// in GROUPS' order with a heading each, the items of a group in NAV's order.
// A new item must name its group: one without is shown after all groups,
// headless, and the login browser test fails on it.
import { h, clear } from './dom.js';
import { state } from './state.js';

export const STAFF = ['admin', 'officer', 'staff'];

// key null: no heading (the overview is home and stays on top)
export const GROUPS = [
  { id: 'overview', key: null },
  { id: 'registry', key: 'nav.group.registry' },
  { id: 'testing', key: 'nav.group.testing' },
  { id: 'isolation', key: 'nav.group.isolation' },
  { id: 'services', key: 'nav.group.services' },
  { id: 'field', key: 'nav.group.field' },
  { id: 'teams', key: 'nav.group.teams' },
];

export const NAV = [
  { href: '#/dashboard', key: 'nav.dashboard', roles: STAFF, group: 'overview' },
  { href: '#/collect', key: 'nav.collect', roles: ['registrar'], soon: true, group: 'testing' },
  { href: '#/runs', key: 'nav.runs', roles: ['driver'], group: 'testing' },
  { href: '#/lab', key: 'nav.lab', roles: ['lab'], soon: true, group: 'testing' },
  { href: '#/tasks', key: 'nav.tasks', roles: ['volunteer'], soon: true, group: 'field' },
  { href: '#/areas', key: 'nav.areas', roles: STAFF, group: 'registry' },
  { href: '#/persons', key: 'nav.persons', roles: STAFF, group: 'registry' },
  { href: '#/lookup', key: 'nav.lookup', roles: [...STAFF, 'registrar'], group: 'registry' },
  { href: '#/import', key: 'nav.import', roles: STAFF, group: 'registry' },
  { href: '#/merchants', key: 'nav.merchants', roles: STAFF, group: 'registry' },
  { href: '#/rounds', key: 'nav.rounds', roles: STAFF, group: 'testing' },
  { href: '#/print', key: 'nav.print', roles: STAFF, group: 'testing' },
  { href: '#/isolation', key: 'nav.isolation', roles: STAFF, group: 'isolation' },
  { href: '#/alarms', key: 'nav.alarms', roles: STAFF, group: 'isolation' },
  { href: '#/zones', key: 'nav.zones', roles: STAFF, group: 'isolation' },
  { href: '#/requests', key: 'nav.requests', roles: STAFF, group: 'services' },
  { href: '#/garbage', key: 'nav.garbage', roles: STAFF, group: 'services' },
  { href: '#/devices', key: 'nav.devices', roles: STAFF, group: 'isolation' },
  { href: '#/transport', key: 'nav.transport', roles: STAFF, group: 'testing' },
  { href: '#/teams', key: 'nav.teams', roles: STAFF, group: 'teams' },
  { href: '#/roster', key: 'nav.roster', roles: STAFF, group: 'teams' },
  { href: '#/my-shifts', key: 'nav.my_shifts', roles: ['volunteer'], group: 'teams' },
  { href: '#/workorders', key: 'nav.workorders', roles: STAFF, group: 'field' },
  { href: '#/checkpoints', key: 'nav.checkpoints', roles: STAFF, group: 'field' },
  { href: '#/sweeps', key: 'nav.sweeps', roles: STAFF, group: 'field' },
  { href: '#/supplies', key: 'nav.supplies', roles: STAFF, group: 'field' },
  { href: '#/disinfection', key: 'nav.disinfection', roles: STAFF, group: 'field' },
];

// A role with this few items (a driver, a volunteer) gets them without headings.
const FLAT_UPTO = 4;
// Where the menu is a drawer (app.css): only the current page's group starts open.
const DRAWER = '(max-width: 899px)';

export function navFor(role) { return NAV.filter((n) => n.roles.includes(role)); }

/** The role's items as [{group, items}] in the menu's order; one headless group when few. */
export function sectionsFor(role) {
  const items = navFor(role);
  const known = GROUPS.filter((g) => items.some((n) => n.group === g.id))
    .map((g) => ({ group: g, items: items.filter((n) => n.group === g.id) }));
  const stray = items.filter((n) => !GROUPS.some((g) => g.id === n.group));
  if (stray.length) known.push({ group: { id: 'other', key: null }, items: stray });
  if (items.length <= FLAT_UPTO || known.length < 2) return [{ group: { id: 'all', key: null }, items }];
  return known;
}

export function homeFor(role) {
  const first = sectionsFor(role)[0]?.items[0];
  return first ? first.href.slice(1) : '/lookup';
}

function link(n) {
  return h('li', null, h('a', { href: n.href, dataset: { nav: n.href.slice(1) } },
    h('span', { i18n: n.key }),
    n.soon ? h('span', { class: 'soon', i18n: 'nav.soon' }) : null));
}

function setOpen(button, open) {
  button.setAttribute('aria-expanded', String(open));
  document.getElementById(button.getAttribute('aria-controls')).hidden = !open;
}

// A heading whose button folds the group (the disclosure pattern); the list is a
// labelled group, so a screen reader says which group a link is in.
function section({ group, items }) {
  if (!group.key) return items.map(link);
  const head = `nav-head-${group.id}`;
  const list = `nav-group-${group.id}`;
  const button = h('button', {
    type: 'button', id: head, class: 'nav-fold', 'aria-controls': list, 'aria-expanded': 'true',
    onclick: () => setOpen(button, button.getAttribute('aria-expanded') !== 'true'),
  }, h('span', { i18n: group.key }));
  return [h('li', { class: 'nav-group', dataset: { group: group.id } },
    h('h2', { class: 'nav-heading' }, button),
    // the group role on a wrapper: on the <ul> itself it would orphan the list items
    h('div', { id: list, role: 'group', 'aria-labelledby': head }, h('ul', null, items.map(link))))];
}

// In the drawer the other groups fold to their headings, beside the desk all are open.
function foldFor(drawer) {
  for (const b of document.querySelectorAll('#nav-list .nav-fold')) {
    const current = b.closest('.nav-group').querySelector('a[aria-current=page]');
    setOpen(b, !drawer || Boolean(current));
  }
}

let drawerQuery = null;

export function renderNav() {
  const list = document.getElementById('nav-list');
  clear(list);
  if (!state.user) return;
  for (const s of sectionsFor(state.user.role)) list.append(...section(s));
  if (!drawerQuery) {
    drawerQuery = window.matchMedia(DRAWER);
    drawerQuery.addEventListener('change', (e) => foldFor(e.matches));
  }
  foldFor(drawerQuery.matches);
}

export function markCurrent(path) {
  for (const a of document.querySelectorAll('#nav-list a')) {
    const p = a.dataset.nav;
    if (path === p || path.startsWith(`${p}/`)) {
      a.setAttribute('aria-current', 'page');
      // the current page's group is always open
      const fold = a.closest('.nav-group')?.querySelector('.nav-fold');
      if (fold) setOpen(fold, true);
    } else a.removeAttribute('aria-current');
  }
}
