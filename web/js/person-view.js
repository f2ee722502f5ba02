// How a person is shown everywhere: masked values exactly as the server sent
// them, with a marker when the server hid part of them.
import { h, table } from './dom.js';
import { t, has, fmtTime } from './i18n.js';
import { enc } from './api.js';

export const CATEGORIES = ['resident', 'floating', 'employee', 'merchant_staff'];
export const FLAGS = ['elderly', 'alone', 'no_smartphone', 'chronic', 'pregnant', 'disabled'];
export const ID_TYPES = ['id_card', 'passport', 'hk_macau', 'taiwan', 'other'];

export function label(prefix, v) { return v && has(`${prefix}.${v}`) ? t(`${prefix}.${v}`) : (v || ''); }

export function maskedBadge(p) {
  return p.masked ? h('span', { class: 'badge badge-masked', 'data-masked': '', i18n: 'person.masked', i18nAttr: { title: 'person.masked_hint' } }) : null;
}

export function idCell(p) {
  return h('span', null, h('span', { class: 'mono id-number', text: p.id_number || '' }), ' ', maskedBadge(p));
}

export function flagBadges(p) {
  const flags = p.flags || [];
  if (!flags.length && !p.party_member && !p.walk_in) return null;
  return h('span', { class: 'flags' },
    p.party_member ? h('span', { class: 'badge badge-party', i18n: 'person.party_member' }) : null,
    flags.map((f) => h('span', { class: 'badge badge-masked', text: label('flag', f) })),
    p.walk_in ? h('span', { class: 'badge badge-run', i18n: 'person.walk_in' }) : null);
}

export function personsTable(items, { link = true } = {}) {
  return table([
    { key: 'person.name', cell: (p) => (link ? h('a', { href: `#/persons/${p.id}`, text: p.name }) : p.name) },
    { key: 'person.id_number', cell: idCell },
    { key: 'person.phone', cell: (p) => (p.phone ? h('span', { class: 'mono', text: p.phone }) : null) },
    { key: 'person.address', cell: (p) => p.address || null },
    { key: 'person.category', cell: (p) => label('category', p.category) },
    { key: 'person.tags', cell: flagBadges },
  ], items);
}

export function facts(rows) {
  const dl = h('dl', { class: 'facts' });
  for (const [key, value] of rows) {
    if (value == null || value === '') continue;
    dl.append(h('dt', { i18n: key }), h('dd', null, value));
  }
  return dl;
}

export function personFacts(p, { links = true } = {}) {
  return facts([
    ['person.name', p.name],
    ['person.sex', p.sex ? t(`sex.${p.sex}`) : ''],
    ['person.birth_date', p.birth_date],
    ['person.id_type', label('id_type', p.id_type)],
    ['person.id_number', idCell(p)],
    ['person.phone', p.phone ? h('span', null, h('span', { class: 'mono', text: p.phone }), ' ', p.masked ? maskedBadge(p) : null) : ''],
    ['person.category', label('category', p.category)],
    ['person.employer', p.employer],
    ['person.tags', flagBadges(p)],
    ['person.address', links && p.household ? h('a', { href: `#/households/${p.household}`, text: p.address || t('household.open') }) : p.address],
    ['person.area', links && p.area ? h('a', { href: `#/areas/${enc(p.area)}`, class: 'mono', text: p.area }) : h('span', { class: 'mono', text: p.area || '' })],
    ['person.personal_code', p.personal_code ? h('span', { class: 'mono', text: p.personal_code }) : ''],
    ['common.updated_at', fmtTime(p.updated_at)],
  ]);
}
