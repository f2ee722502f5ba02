// Shared by the isolation, alarm, zone and request screens: who may act, a
// refusal shown in words, and a date without its time.
import { h } from '../dom.js';
import { currentLang, TIME_ZONE } from '../i18n.js';
import { state } from '../state.js';

/** Officers and admins release cases and lift zones (isolation.write, zone.write). */
export function isOfficer() { return !!state.user && ['admin', 'officer'].includes(state.user.role); }

/** A date in the user's language and the browser's zone. */
export function fmtDate(epoch) {
  if (epoch == null) return '';
  return new Date(epoch * 1000).toLocaleDateString(currentLang(), { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
}

/** A box of reasons (already words): each one a line. */
export function reasonsBox(titleKey, lines, id, vars) {
  return h('div', { class: 'alert alert-error', role: 'alert', id },
    h('p', { class: 'what', i18n: titleKey, vars }),
    h('ul', null, lines.map((l) => h('li', null, l))));
}

/** A datetime-local value for an epoch, and back (the browser's clock and zone). */
export function localValue(epoch) {
  const d = new Date(epoch * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
export const fromLocal = (v) => (v ? Math.floor(Date.parse(v) / 1000) : NaN);
