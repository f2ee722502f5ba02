// Areas seen by this user, cached for the session: the user's scope is the
// subtree of user.area (an admin without an area sees every top area).
import { get, enc } from './api.js';
import { state } from './state.js';
import { t, has } from './i18n.js';

const cache = new Map();

export function remember(a) { if (a && a.code) cache.set(a.code, a); return a; }
export function forget() { cache.clear(); }
export function cached(code) { return cache.get(code); }

export async function area(code) {
  if (cache.has(code)) return cache.get(code);
  return remember(await get(`/areas/${enc(code)}`));
}

/** Direct children of an area, one page (up to 500) at a time. */
export async function childrenOf(code, cursor) {
  const r = await get('/areas', { parent: code, limit: 500, cursor });
  r.items.forEach(remember);
  return r;
}

/** The areas at the top of the user's scope: their own, or (admin) those without a parent. */
export async function scopeRoots() {
  if (state.user.area) return [await area(state.user.area)];
  const r = await get('/areas', { limit: 500 });
  r.items.forEach(remember);
  return r.items.filter((a) => !a.parent);
}

/** The areas from the top of the user's scope down to code, inclusive. */
export async function pathTo(code) {
  const out = [];
  let c = code;
  for (let i = 0; c && i < 16; i++) {
    const a = await area(c);
    out.unshift(a);
    if (a.code === state.user.area) break;
    c = a.parent;
  }
  return out;
}

export function kindLabel(kind) {
  return has(`kind.${kind}`) ? t(`kind.${kind}`) : kind;
}

/** Areas that hold households directly (a person's area is a unit or compound). */
export const LEAF_KINDS = ['unit', 'building', 'compound'];
