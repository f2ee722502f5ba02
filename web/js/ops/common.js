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
