// The dashboard's panel registry. Each capability adds its panels with
//   registerPanel({id, title: 'i18n.key', roles: [...], order, wide, render(el, ctx)})
// in a module listed in panels/index.js. render() fills el; ctx has
// {area, user, signal, onCleanup}. A panel must read counters kept current
// as data changes (never scan at request time) so the page stays fast.
const panels = new Map();

export function registerPanel(p) {
  if (!p || !p.id || typeof p.render !== 'function') throw new Error('registerPanel: id and render() are required');
  panels.set(p.id, { order: 100, roles: null, wide: false, ...p });
}

export function panelsFor(role) {
  return [...panels.values()]
    .filter((p) => !p.roles || p.roles.includes(role))
    .sort((a, b) => a.order - b.order);
}
