// Shared by the round screens: who may do what (contract roles, core/perm.c),
// the round's header, percent bars, status badges, and PDF/file downloads
// that show a refusal in words instead of saving an error as a file.
import { h } from '../dom.js';
import { t, fmtNum, fmtTime } from '../i18n.js';
import { url, ApiError, csrfToken } from '../api.js';
import { state } from '../state.js';

/** Officers and admins run rounds: create them and sites, resolve, confirm (round.write, positive.act). */
export function canRunRounds() { return !!state.user && ['admin', 'officer'].includes(state.user.role); }

export const POOL_SIZES = [1, 5, 10, 20];
export const POOL_DEFAULTS = { sealed: 1, controlled: 10, precaution: 20, none: 20 };
export const RISKS = ['sealed', 'controlled', 'precaution', 'none'];

export function pct(part, whole) { return whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0; }

/** A labelled percent bar: sampled of in scope. */
export function coverBar(c, name) {
  const p = pct(c.sampled, c.in_scope);
  return h('span', { class: 'cover' },
    h('progress', { max: Math.max(1, c.in_scope), value: c.sampled, 'aria-label': t('round.cover_bar', { name, p }) }),
    h('span', { class: 'cover-pct', text: `${fmtNum(p)}%` }));
}

/** A badge for a state: key is its catalogue key (family.value), tone a badge colour. */
export function badge(key, tone) {
  return h('span', { class: `badge badge-${tone}`, dataset: { state: key.slice(key.lastIndexOf('.') + 1) }, i18n: key });
}

export function roundBadge(status) { return badge(`round.status.${status}`, status === 'open' ? 'run' : 'ok'); }

export function roundFacts(r) {
  return h('dl', { class: 'facts' },
    h('dt', { i18n: 'round.areas' }), h('dd', { text: r.areas.join(', ') }),
    h('dt', { i18n: 'round.start' }), h('dd', { text: fmtTime(r.start) }),
    h('dt', { i18n: 'round.deadline' }), h('dd', { text: fmtTime(r.deadline) }),
    h('dt', { i18n: 'round.pool' }), h('dd', { text: RISKS.map((k) => t('round.pool_item', { risk: t(`risk.${k}`), n: r.pool[k] })).join(t('round.list_sep')) }));
}

/** Fetch a file from the API and hand it to the browser as a download; a refusal
 *  (JSON error) is thrown as ApiError so the screen can show it in words. */
export async function download(path, params, fallbackName) {
  const res = await fetch(url(path, params), { credentials: 'same-origin', headers: { 'X-CSRF-Token': csrfToken() } });
  if (!res.ok) {
    let e = {};
    try { e = (await res.json()).error || {}; } catch { /* not JSON */ }
    throw new ApiError(res.status, e.code || `http_${res.status}`, e.message || '', Number(res.headers.get('Retry-After')) || 0);
  }
  const blob = await res.blob();
  const m = (res.headers.get('Content-Disposition') || '').match(/filename="([^"]+)"/);
  const a = h('a', { href: URL.createObjectURL(blob), download: m ? m[1] : fallbackName, class: 'sr-only' });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  return res;
}
