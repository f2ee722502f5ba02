// Sealed, controlled and precaution zones: each with its cause, its start, the
// count towards lifting and the conditions still unmet. Officers activate or
// dismiss a proposed zone and lift an active one; a refusal names what is unmet.
import { h, clear, pageHead, table, loading, toast } from '../dom.js';
import { t, fmtNum, fmtTime } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { badge } from '../round/common.js';
import { isOfficer, fmtDate, reasonsBox } from '../ops/common.js';

const KIND_TONE = { sealed: 'fail', controlled: 'masked', precaution: 'run' };
const STATUS_TONE = { proposed: 'masked', active: 'run', lifted: 'ok', dismissed: 'ok' };

/** Each unmet condition of a zone's next stage, in words. */
export function unmetLines(z) {
  return (z.unmet || []).map((u) => (u.condition === 'quiet_days_not_passed'
    ? t('zone.unmet.quiet_days_not_passed', { days: u.days, date: fmtDate(u.until) })
    : t('zone.unmet.no_negative_round', { days: u.within_days, samples: fmtNum(u.samples), bad: fmtNum(u.not_negative) })));
}

/** Days left before the next stage's quiet days have passed (0 when they have). */
function daysLeft(z) {
  const q = (z.unmet || []).find((u) => u.condition === 'quiet_days_not_passed');
  return q ? Math.max(1, Math.ceil((q.until - Date.now() / 1000) / 86400)) : 0;
}

function countdown(z) {
  if (z.status !== 'active' || !z.next) return '';
  const left = daysLeft(z);
  const lines = unmetLines(z);
  return h('div', { class: 'countdown', dataset: { left } },
    h('strong', { i18n: z.lift_ready ? 'zone.ready' : 'zone.left', vars: { n: left, to: t(`zone.to.${z.next.to}`) } }),
    h('div', { class: 'muted small', i18n: 'zone.count_from', vars: { date: fmtDate(z.count_from) } }),
    lines.length ? h('ul', { class: 'unmet' }, lines.map((l) => h('li', null, l))) : null);
}

function cause(z) {
  const c = z.cause || {};
  if (c.tube) return t('zone.cause.tube', { tube: c.tube });
  if (c.isolation) return h('a', { href: '#/isolation', i18n: 'zone.cause.isolation', vars: { id: c.isolation } });
  return c.note || '';
}

export default {
  title: 'zone.title',
  async render(main, ctx) {
    const officer = isOfficer();
    const msg = h('div', { id: 'zone-msg', 'aria-live': 'assertive' });
    const status = h('select', { id: 'zone-status', name: 'status' },
      ['', 'lifted', 'dismissed'].map((s) => h('option', { value: s, i18n: `zone.filter.${s || 'open'}` })));
    const card = h('section', { class: 'card', id: 'zones', 'aria-labelledby': 'zones-h' },
      h('h2', { id: 'zones-h', i18n: 'zone.list' }),
      h('div', { class: 'field' }, h('label', { for: 'zone-status', i18n: 'zone.show' }), status));
    const body = h('div', { 'aria-live': 'polite' });
    card.append(body);
    main.append(pageHead('zone.title'), msg, card);

    const act = async (z, what, btn) => {
      clear(msg);
      btn.disabled = true;
      try {
        const r = await post(`/zones/${enc(z.id)}/${what}`);
        const key = what !== 'lift' ? `zone.done.${what}` : (r.status === 'lifted' ? 'zone.done.lifted' : 'zone.done.step_down');
        toast(key, { name: z.area.name, kind: t(`risk.${r.kind}`) });
        await load();
      } catch (err) {
        btn.disabled = false;
        if (err.status === 422 && what === 'lift') {
          let lines = [];
          try { lines = unmetLines(await get(`/zones/${enc(z.id)}`, null, { signal: ctx.signal })); } catch { /* shown below */ }
          msg.append(reasonsBox('zone.refused', lines.length ? lines : [err.serverMessage], 'zone-refusal', { name: z.area.name }));
        } else msg.append(errorBox(err));
      }
    };
    const actions = (z) => {
      if (!officer) return null;
      const b = (what, cls) => {
        const el = h('button', { type: 'button', class: `btn btn-small ${cls}`, dataset: { act: what } },
          h('span', { i18n: `zone.act.${what}` }), h('span', { class: 'sr-only', text: ` ${z.area.name}` }));
        el.addEventListener('click', () => act(z, what, el));
        return el;
      };
      if (z.status === 'proposed') return h('div', { class: 'row' }, b('activate', ''), b('dismiss', 'btn-secondary'));
      if (z.status === 'active') return b('lift', z.lift_ready ? '' : 'btn-secondary');
      return null;
    };
    const gatesLink = (z) => h('a', { href: `#/zones/${z.id}`, dataset: { zone: z.id } }, h('span', { i18n: 'zone.open' }),
      h('span', { class: 'sr-only', text: ` ${z.area.name}` }));
    const load = async () => {
      clear(body).append(loading());
      const r = await get('/zones', { status: status.value || null, limit: 200 }, { signal: ctx.signal });
      clear(body);
      if (!r.items.length) { body.append(h('p', { class: 'empty', i18n: 'zone.none' })); return; }
      body.append(table([
        { key: 'common.area', cell: (z) => h('a', { href: `#/areas/${enc(z.area.code)}`, text: z.area.name }) },
        { key: 'zone.kind', cell: (z) => badge(`risk.${z.kind}`, KIND_TONE[z.kind] || 'ok') },
        { key: 'common.status', cell: (z) => badge(`zone.status.${z.status}`, STATUS_TONE[z.status] || 'ok') },
        { key: 'zone.cause', cell: cause },
        { key: 'zone.start', cell: (z) => fmtTime(z.start || z.proposed_at) },
        { key: 'zone.rule', cell: (z) => z.rule },
        { key: 'zone.countdown', cell: countdown },
        { key: 'common.actions', cell: (z) => h('div', { class: 'row' }, actions(z), gatesLink(z)) },
      ], r.items, { caption: 'zone.list' }));
    };
    status.addEventListener('change', () => load().catch((e) => clear(body).append(errorBox(e))));
    await load();
  },
};
