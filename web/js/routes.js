// Hash routes: '#/persons/123?x=1'. Each names the roles that may open it and
// loads its screen module on first use.
import { STAFF } from './nav.js';

const ALL = ['admin', 'officer', 'staff', 'registrar', 'driver', 'lab', 'volunteer'];
const S = (name) => () => import(`./screens/${name}.js`);

export const ROUTES = [
  { path: '/login', load: S('login'), public: true },
  { path: '/dashboard', load: () => import('../dashboard/dashboard.js'), roles: STAFF },
  { path: '/areas', load: S('areas'), roles: STAFF },
  { path: '/areas/:code', load: S('areas'), roles: STAFF },
  { path: '/households/:id', load: S('household'), roles: STAFF },
  { path: '/persons', load: S('persons'), roles: STAFF },
  { path: '/persons/new', load: S('person-form'), roles: STAFF },
  { path: '/persons/:id', load: S('person'), roles: STAFF },
  { path: '/persons/:id/edit', load: S('person-form'), roles: STAFF },
  { path: '/lookup', load: S('lookup'), roles: [...STAFF, 'registrar'] },
  { path: '/import', load: S('import'), roles: STAFF },
  { path: '/import/:id', load: S('import'), roles: STAFF },
  { path: '/merchants', load: S('merchants'), roles: STAFF },
  { path: '/merchants/new', load: S('merchant-form'), roles: STAFF },
  { path: '/merchants/:id', load: S('merchant'), roles: STAFF },
  { path: '/collect', load: S('soon'), roles: ['registrar', 'admin', 'officer'], soon: 'collect' },
  { path: '/runs', load: S('runs'), roles: ['driver', 'admin', 'officer'] },
  { path: '/lab', load: S('soon'), roles: ['lab', 'admin'], soon: 'lab' },
  { path: '/tasks', load: S('soon'), roles: ['volunteer', 'admin', 'officer', 'staff'], soon: 'tasks' },
  { path: '/forbidden', load: S('forbidden'), roles: ALL },
  { path: '/rounds', load: S('rounds'), roles: STAFF },
  { path: '/rounds/:id', load: S('round'), roles: STAFF },
  { path: '/rounds/:id/:tab', load: S('round'), roles: STAFF },
  { path: '/print', load: S('print'), roles: STAFF },
  { path: '/isolation', load: S('isolation'), roles: STAFF },
  { path: '/alarms', load: S('alarms'), roles: STAFF },
  { path: '/zones', load: S('zones'), roles: STAFF },
  { path: '/requests', load: S('requests'), roles: STAFF },
  { path: '/isolation/new', load: S('isolation-new'), roles: ['admin', 'officer'] },
  { path: '/isolation/gaps', load: S('isolation-gaps'), roles: STAFF },
  { path: '/isolation/:id', load: S('isolation-case'), roles: STAFF },
  { path: '/zones/:id', load: S('zone'), roles: STAFF },
  { path: '/garbage', load: S('garbage'), roles: STAFF },
  { path: '/garbage/:id', load: S('garbage'), roles: STAFF },
  { path: '/devices', load: S('devices'), roles: STAFF },
  { path: '/transport', load: S('transport'), roles: STAFF },
  { path: '/teams', load: S('teams'), roles: STAFF },
  { path: '/teams/:id', load: S('teams'), roles: STAFF },
  { path: '/mentors', load: S('mentors'), roles: STAFF },
  { path: '/roster', load: S('roster'), roles: STAFF },
  { path: '/my-shifts', load: S('my-shifts'), roles: [...STAFF, 'volunteer'] },
  { path: '/workorders', load: S('workorders'), roles: STAFF },
  { path: '/workorders/:id', load: S('workorders'), roles: STAFF },
  { path: '/checkpoints', load: S('checkpoints'), roles: STAFF },
  { path: '/sweeps', load: S('sweeps'), roles: STAFF },
  { path: '/sweeps/:id', load: S('sweeps'), roles: STAFF },
  { path: '/channels', load: S('channels'), roles: ['admin', 'officer'] },
  { path: '/supplies', load: S('supplies'), roles: STAFF },
  { path: '/supplies/forecast', load: S('supply-forecast'), roles: STAFF },
  { path: '/disinfection', load: S('disinfection'), roles: STAFF },
];

const compiled = ROUTES.map((r) => {
  const names = [];
  const re = new RegExp(`^${r.path.replace(/:(\w+)/g, (m, n) => { names.push(n); return '([^/]+)'; })}$`);
  return { ...r, re, names };
});

export function matchRoute(path) {
  for (const r of compiled) {
    const m = path.match(r.re);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      return { route: r, params };
    }
  }
  return null;
}
