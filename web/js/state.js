// Who is logged in and which area they are working on.
export const state = {
  user: null,   // {username, display_name, role, area, ...}
  area: null,   // the current area {code, name, kind, parent}
};

const listeners = new Set();
export function onAreaChange(f) { listeners.add(f); return () => listeners.delete(f); }

function storeKey() { return state.user ? `fx.area.${state.user.username}` : null; }

export function setArea(a, { silent = false } = {}) {
  state.area = a;
  const k = storeKey();
  try { if (k && a) localStorage.setItem(k, a.code); } catch { /* private mode */ }
  if (!silent) for (const f of listeners) f(a);
}

export function savedAreaCode() {
  const k = storeKey();
  try { return k ? localStorage.getItem(k) : null; } catch { return null; }
}

export const STAFF_ROLES = ['admin', 'officer', 'staff'];
export function isStaff() { return !!state.user && STAFF_ROLES.includes(state.user.role); }
