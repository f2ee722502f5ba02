// Message catalogues: every word the user reads comes from i18n/<lang>.json.
// Elements carry a data-i18n attribute (the key of their text) and/or
// data-i18n-attr (attribute:key pairs, ';' between them); code calls t(key, vars). zh-CN is the default and the
// fallback for a key missing in another catalogue.
export const LANGS = ['zh-CN', 'en'];
const STORE_KEY = 'fx.lang';
export const TIME_ZONE = 'Asia/Shanghai'; // the server's default display zone (contract: Time)

let lang = 'zh-CN';
let cat = {};
let base = {};
const listeners = new Set();
const missing = new Set();

export function currentLang() { return lang; }

export function preferredLang() {
  let saved = null;
  try { saved = localStorage.getItem(STORE_KEY); } catch { /* private mode */ }
  return LANGS.includes(saved) ? saved : 'zh-CN';
}

async function fetchCatalogue(l) {
  const res = await fetch(`i18n/${l}.json`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`catalogue ${l}: HTTP ${res.status}`);
  return res.json();
}

export async function setLang(l, { remember = true } = {}) {
  if (!LANGS.includes(l)) l = 'zh-CN';
  const next = await fetchCatalogue(l);
  if (l === 'zh-CN') base = next;
  else if (!Object.keys(base).length) base = await fetchCatalogue('zh-CN');
  cat = next;
  lang = l;
  if (remember) {
    try { localStorage.setItem(STORE_KEY, l); } catch { /* private mode */ }
  }
  document.documentElement.lang = l;
  applyI18n(document);
  for (const f of listeners) f(l);
}

export function onLangChange(f) { listeners.add(f); return () => listeners.delete(f); }

export function has(key) { return key in cat || key in base; }

export function missingKeys() { return [...missing]; }

function fmtVar(v) {
  return typeof v === 'number' ? fmtNum(v) : String(v);
}

export function t(key, vars) {
  let s = cat[key] ?? base[key];
  if (s == null) {
    missing.add(key);
    console.warn(`i18n: missing key ${key}`);
    return key;
  }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] != null ? fmtVar(vars[k]) : m));
  return s;
}

/** t() of the first key that exists, for keys built from server values (codes, kinds). */
export function tAny(keys, vars, fallback) {
  for (const k of keys) if (has(k)) return t(k, vars);
  return fallback ?? keys[keys.length - 1];
}

export function fmtNum(n) {
  if (n == null || Number.isNaN(Number(n))) return '';
  return new Intl.NumberFormat(lang).format(n);
}

export function fmtTime(epoch) {
  if (!epoch) return '';
  return new Intl.DateTimeFormat(lang, {
    timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).format(new Date(epoch * 1000));
}

/** Hours and minutes (HH:MM, 24-hour) of an epoch time, in the display zone. */
export function fmtHM(epoch) {
  if (epoch == null) return '';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(epoch * 1000));
  const get = (type) => parts.find((x) => x.type === type).value;
  return `${get('hour')}:${get('minute')}`;
}

export function fmtBytes(n) {
  if (n == null) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: i ? 1 : 0 }).format(v)} ${units[i]}`;
}

function translateElement(el) {
  if (el.dataset.i18n) {
    const vars = el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : undefined;
    el.textContent = t(el.dataset.i18n, vars);
  }
  if (el.dataset.i18nAttr) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const i = pair.indexOf(':');
      if (i > 0) el.setAttribute(pair.slice(0, i), t(pair.slice(i + 1)));
    }
  }
}

/** Translate root and everything under it that carries data-i18n / data-i18n-attr. */
export function applyI18n(root) {
  if (root.nodeType === 1) translateElement(root);
  for (const el of root.querySelectorAll('[data-i18n], [data-i18n-attr]')) translateElement(el);
}
