// Shared by the team, mentor, roster and "my shifts" screens: kinds of teams and
// posts, and days in the display zone (a roster's columns are local days).
import { TIME_ZONE } from '../i18n.js';
import { state } from '../state.js';

export const TEAM_KINDS = ['duty', 'screening', 'disinfection', 'volunteer_services', 'party_branch', 'sampling', 'transport'];
export const POST_KINDS = ['checkpoint', 'site_table', 'gate', 'garbage_round'];
export const MEMBER_ROLES = ['staff', 'volunteer', 'party_member'];

/** Officers and admins change teams, pairs, posts and shifts (team.write). */
export function canEditTeams() { return !!state.user && ['admin', 'officer'].includes(state.user.role); }

/** The display zone's offset from UTC at epoch, in seconds. */
function offsetAt(epoch) {
  const p = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(epoch * 1000));
  const g = (t) => Number(p.find((x) => x.type === t).value);
  return (Date.UTC(g('year'), g('month') - 1, g('day'), g('hour'), g('minute'), g('second')) / 1000) - epoch;
}

/** "YYYY-MM-DD" of epoch in the display zone. */
export function isoDate(epoch) {
  const d = new Date((epoch + offsetAt(epoch)) * 1000);
  return d.toISOString().slice(0, 10);
}

/** Local midnight (display zone) of a "YYYY-MM-DD" date, as epoch seconds. */
export function dayStart(date) {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d) / 1000;
  return guess - offsetAt(guess);
}

/** "HH:MM" → minutes of the day; null when not a time. */
export function hmToMin(s) {
  const m = /^(\d{1,2}):(\d{2})$/.exec(String(s || '').trim());
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59 || (Number(m[1]) === 24 && Number(m[2]) !== 0)) return null;
  return Number(m[1]) * 60 + Number(m[2]);
}

export function minToHM(min) {
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
}
