// Navigation by role (contract.md, roles): each item says who sees it; the
// first item a role sees is where it lands after login.
import { h, clear } from './dom.js';
import { state } from './state.js';

export const STAFF = ['admin', 'officer', 'staff'];

export const NAV = [
  { href: '#/dashboard', key: 'nav.dashboard', roles: STAFF },
  { href: '#/collect', key: 'nav.collect', roles: ['registrar'], soon: true },
  { href: '#/runs', key: 'nav.runs', roles: ['driver'] },
  { href: '#/lab', key: 'nav.lab', roles: ['lab'], soon: true },
  { href: '#/tasks', key: 'nav.tasks', roles: ['volunteer'], soon: true },
  { href: '#/areas', key: 'nav.areas', roles: STAFF },
  { href: '#/persons', key: 'nav.persons', roles: STAFF },
  { href: '#/lookup', key: 'nav.lookup', roles: [...STAFF, 'registrar'] },
  { href: '#/import', key: 'nav.import', roles: STAFF },
  { href: '#/merchants', key: 'nav.merchants', roles: STAFF },
  { href: '#/rounds', key: 'nav.rounds', roles: STAFF },
  { href: '#/print', key: 'nav.print', roles: STAFF },
  { href: '#/isolation', key: 'nav.isolation', roles: STAFF },
  { href: '#/alarms', key: 'nav.alarms', roles: STAFF },
  { href: '#/zones', key: 'nav.zones', roles: STAFF },
  { href: '#/requests', key: 'nav.requests', roles: STAFF },
  { href: '#/garbage', key: 'nav.garbage', roles: STAFF },
  { href: '#/devices', key: 'nav.devices', roles: STAFF },
  { href: '#/transport', key: 'nav.transport', roles: STAFF },
  { href: '#/teams', key: 'nav.teams', roles: STAFF },
  { href: '#/roster', key: 'nav.roster', roles: STAFF },
  { href: '#/my-shifts', key: 'nav.my_shifts', roles: ['volunteer'] },
  { href: '#/workorders', key: 'nav.workorders', roles: STAFF },
  { href: '#/checkpoints', key: 'nav.checkpoints', roles: STAFF },
  { href: '#/supplies', key: 'nav.supplies', roles: STAFF },
  { href: '#/disinfection', key: 'nav.disinfection', roles: STAFF },
];

export function navFor(role) { return NAV.filter((n) => n.roles.includes(role)); }

export function homeFor(role) {
  const first = navFor(role)[0];
  return first ? first.href.slice(1) : '/lookup';
}

export function renderNav() {
  const list = document.getElementById('nav-list');
  clear(list);
  if (!state.user) return;
  for (const n of navFor(state.user.role)) {
    list.append(h('li', null, h('a', { href: n.href, dataset: { nav: n.href.slice(1) } },
      h('span', { i18n: n.key }),
      n.soon ? h('span', { class: 'soon', i18n: 'nav.soon' }) : null)));
  }
}

export function markCurrent(path) {
  for (const a of document.querySelectorAll('#nav-list a')) {
    const p = a.dataset.nav;
    if (path === p || path.startsWith(`${p}/`)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}
