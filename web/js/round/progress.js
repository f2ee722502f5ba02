// Progress and coverage (everyone in scope tested) by area: down the area tree from the round's
// scope, each area's in scope / sampled / exempt / untested from the coverage
// counters; first samples per hour; and who is still untested, with downloads.
import { h, table, loading } from '../dom.js';
import { t, fmtNum, fmtTime, currentLang } from '../i18n.js';
import { get, url, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { pathTo, kindLabel } from '../areas.js';
import { personsTable } from '../person-view.js';
import { columnChart } from '../lib/bars.js';
import { coverBar, pct } from './common.js';

const NUMS = ['in_scope', 'sampled', 'exempt', 'untested'];

export default async function progress(el, round, ctx) {
  const base = `/rounds/${round.id}`;
  // without ?area= the server starts from one's own area (else the round's)
  const code = ctx.query.get('area');
  const link = (c) => `#/rounds/${round.id}/progress?area=${enc(c)}`;
  const [cov, hourly] = await Promise.all([
    get(`${base}/coverage`, { area: code }, { signal: ctx.signal }),
    get(`${base}/coverage/hourly`, { area: code }, { signal: ctx.signal }),
  ]);
  // where we are, from the round's own area down
  let path = [];
  try { path = await pathTo(cov.area); } catch { path = []; }
  const from = path.findIndex((a) => round.areas.includes(a.code) || a.code === round.area);
  const crumbs = h('ol', { class: 'crumbs', i18nAttr: { 'aria-label': 'area.path' } },
    (from >= 0 ? path.slice(from) : path).map((a) => h('li', null, a.code === cov.area
      ? h('span', { 'aria-current': 'location', text: a.name }) : h('a', { href: link(a.code), text: a.name }))));
  const summary = h('section', { class: 'card', 'aria-labelledby': 'cov-h', id: 'coverage' },
    crumbs,
    h('h2', { id: 'cov-h', i18n: 'round.coverage_of', vars: { name: cov.name } }),
    h('div', { class: 'tiles' }, NUMS.map((k) => h('div', { class: 'tile', dataset: { count: k } },
      h('span', { class: 'n', text: fmtNum(cov[k]) }), h('span', { class: 'l', i18n: `cover.${k}` })))),
    h('p', null, coverBar(cov, cov.name), ' ', h('span', { class: 'muted', i18n: 'round.cover_line', vars: { p: pct(cov.sampled, cov.in_scope), sampled: cov.sampled, in_scope: cov.in_scope } })));
  el.append(summary);
  if (cov.items.length) {
    summary.append(h('h3', { i18n: 'round.by_child' }), table([
      { key: 'common.area', cell: (c) => (c.kind === 'direct' ? h('span', { i18n: 'round.direct' }) : h('a', { href: link(c.area), text: c.name })) },
      { key: 'common.kind', cell: (c) => (c.kind === 'direct' ? '' : kindLabel(c.kind)) },
      ...NUMS.map((k) => ({ key: `cover.${k}`, num: true, cell: (c) => fmtNum(c[k]) })),
      { key: 'round.progress', cell: (c) => coverBar(c, c.kind === 'direct' ? t('round.direct') : c.name) },
    ], cov.items, { caption: 'round.by_child' }));
  }

  const hours = hourly.items;
  const chartCard = h('section', { class: 'card', 'aria-labelledby': 'hourly-h', id: 'hourly' }, h('h2', { id: 'hourly-h', i18n: 'round.hourly' }));
  el.append(chartCard);
  if (!hours.length) chartCard.append(h('p', { class: 'empty', i18n: 'round.hourly_none' }));
  else {
    const hourLabel = (x) => fmtTime(x.hour).slice(-5);
    chartCard.append(columnChart(hours.map((x) => ({ label: hourLabel(x), value: x.sampled })), { label: t('round.hourly_chart', { name: cov.name }) }),
      h('details', null, h('summary', { i18n: 'round.hourly_table' }), table([
        { key: 'common.time', cell: (x) => fmtTime(x.hour) },
        { key: 'round.hour_sampled', num: true, cell: (x) => fmtNum(x.sampled) },
        { key: 'round.hour_cumulative', num: true, cell: (x) => fmtNum(x.cumulative) },
      ], hours)));
  }

  const lang = currentLang() === 'en' ? 'en' : null;
  const dl = (fmt) => h('a', { class: 'btn btn-secondary', download: '', dataset: { export: fmt },
    href: url(`${base}/untested/export`, { area: cov.area, format: fmt, lang }), i18n: `export.${fmt}` });
  const untested = h('section', { class: 'card', 'aria-labelledby': 'untested-h', id: 'untested' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'untested-h', i18n: 'round.untested_in', vars: { name: cov.name, n: cov.untested } }),
      h('span', { class: 'row' }, dl('xlsx'), dl('csv'))));
  el.append(untested);
  const list = h('div');
  untested.append(list);
  let cursor = null;
  const more = h('button', { type: 'button', class: 'btn btn-secondary', i18n: 'common.more', hidden: true });
  untested.append(more);
  const page = async () => {
    more.disabled = true;
    try {
      const r = await get(`${base}/untested`, { area: cov.area, limit: 50, cursor }, { signal: ctx.signal });
      if (!cursor && !r.items.length) list.append(h('p', { class: 'empty', i18n: 'round.untested_none' }));
      else if (r.items.length) list.append(personsTable(r.items));
      cursor = r.next_cursor;
      more.hidden = !cursor;
    } catch (e) {
      if (e.name !== 'AbortError') list.append(errorBox(e));
    } finally { more.disabled = false; }
  };
  more.addEventListener('click', page);
  list.append(loading());
  await page();
  list.querySelector('.loading')?.remove();
}
