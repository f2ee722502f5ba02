// Checks made as the user types. The server checks everything again; these
// only catch mistakes early. Each returns null when fine, else a catalogue key.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
const PROVINCES = new Set([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
  50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91]);

/** Full-width digits and letters to ASCII, blanks removed at the ends. */
export function halfWidth(s) {
  return String(s || '').replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0))
    .replace(/\u3000/g, ' ').trim();
}

/** GB 11643 check character of the first 17 digits. */
export function idCheckChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK[sum % 11];
}

function daysIn(y, m) { return new Date(Date.UTC(y, m, 0)).getUTCDate(); }

/** A mainland ID number: 18 characters (or 15, old cards) with a valid check character. */
export function checkIdNumber(raw, thisYear = new Date().getFullYear()) {
  let s = halfWidth(raw).toUpperCase();
  if (!s) return 'validate.required';
  if (/\s/.test(s)) return 'reason.id_chars';
  if (s.length !== 18 && s.length !== 15) return 'reason.id_length';
  if (s.length === 18 ? !/^\d{17}[\dX]$/.test(s) : !/^\d{15}$/.test(s)) return 'reason.id_chars';
  if (s.length === 15) s = `${s.slice(0, 6)}19${s.slice(6)}`;
  if (!PROVINCES.has(Number(s.slice(0, 2)))) return 'reason.id_region';
  const y = Number(s.slice(6, 10)); const m = Number(s.slice(10, 12)); const d = Number(s.slice(12, 14));
  if (y < 1900 || y > thisYear || m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) return 'reason.id_date';
  if (s.length === 18 && s[17] !== idCheckChar(s)) return 'reason.id_checksum';
  return null;
}

/** Other documents: 5-30 letters and digits (spaces and dashes ignored). */
export function checkDocNumber(raw) {
  const s = halfWidth(raw).replace(/[\s-]/g, '');
  if (!s) return 'validate.required';
  if (!/^[A-Za-z0-9]{5,30}$/.test(s)) return 'reason.doc_number';
  return null;
}

/** A mobile (11 digits, 1[3-9]…, +86 allowed) or a landline (0371-12345678). Empty is fine. */
export function checkPhone(raw) {
  let s = halfWidth(raw);
  if (!s) return null;
  let intl = false;
  if (s.startsWith('+86')) { s = s.slice(3); intl = true; } else if (s.startsWith('0086')) { s = s.slice(4); intl = true; }
  s = s.trim();
  if (!/^[\d][\d -]*$/.test(s)) return 'reason.phone';
  const groups = s.split(/[ -]+/);
  const d = groups.join('');
  if (/^1[3-9]\d{9}$/.test(d)) return null;
  if (!intl && /^861[3-9]\d{9}$/.test(d)) return null;
  const ll = intl && d[0] !== '0' ? `0${d}` : d;
  const area = /^0(10|2\d)/.test(ll) ? 3 : /^0[3-9]/.test(ll) ? 4 : 0;
  if (!area) return 'reason.phone';
  const sub = ll.length - area;
  if (sub < 7 || sub > 8 || ll[area] === '0') return 'reason.phone';
  if (groups.length > 1 && (intl ? `0${groups[0]}` : groups[0]).length !== area && groups[0].length !== area) return 'reason.phone';
  return null;
}

export function checkRequired(v) {
  return String(v || '').trim() ? null : 'validate.required';
}

/** Looks like an ID number (for choosing between ID and personal code in a lookup box). */
export function looksLikeId(raw) {
  const s = halfWidth(raw).toUpperCase();
  return /^\d{17}[\dX]$/.test(s) || /^\d{15}$/.test(s);
}
