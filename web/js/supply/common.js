// Shared by the supply screens and the dashboard: item names in the user's language
// (the catalogue's for the preset items, the server's for items added later) and the
// refusal of a movement that would take stock below zero, in words.
import { h } from '../dom.js';
import { t, has, fmtNum } from '../i18n.js';
import { get } from '../api.js';
import { errorBox } from '../errors.js';

const serverNames = new Map();

export async function loadItems(signal) {
  if (serverNames.size) return;
  for (const it of (await get('/supply/items', null, { signal })).items) serverNames.set(it.code, it.name);
}

export function itemName(code) {
  return has(`sup.item.${code}`) ? t(`sup.item.${code}`) : (serverNames.get(code) || code);
}

// "not enough NAME (CODE) at PLACE: 100 UNIT in stock, 130 asked, 30 short" (core/supply.c)
const SHORT = /^not enough .+ \((?<code>[^)]+)\) at (?<place>.+): (?<have>\d+) \S+ in stock, (?<asked>\d+) asked, (?<short>\d+) short$/;

/** A refused movement: the item, the place and what is missing, else the usual error box. */
export function moveError(err) {
  const m = err && err.code === 'insufficient_stock' && String(err.serverMessage || '').match(SHORT);
  if (!m) return errorBox(err);
  const g = m.groups;
  return h('div', { class: 'alert alert-error', role: 'alert', id: 'move-refused', dataset: { code: err.code } },
    h('p', { class: 'what', i18n: 'sup.insufficient', vars: { item: itemName(g.code), place: g.place, have: fmtNum(Number(g.have)), asked: fmtNum(Number(g.asked)), short: fmtNum(Number(g.short)) } }),
    h('p', { class: 'next', i18n: 'sup.insufficient.next' }));
}

/** One warehouse's shortfall of one item, in words. */
export function shortfallText(code, v) {
  return t('sup.shortfall_line', { item: itemName(code), pick: fmtNum(v.pick), stock: fmtNum(v.stock), short: fmtNum(v.shortfall) });
}
