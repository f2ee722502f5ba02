// The current round (the newest open one): progress of the current area and of
// each area below it, from the coverage counters; and the round's open work —
// discrepancies, positive pools awaiting confirmation, boxes at risk — from
// GET /rounds/{id}/summary, which counts on index ranges, never a scan.
import { registerPanel } from '../registry.js';
import { h, table } from '../../js/dom.js';
import { fmtNum } from '../../js/i18n.js';
import { get, enc } from '../../js/api.js';
import { kindLabel } from '../../js/areas.js';
import { coverBar, pct } from '../../js/round/common.js';

// both panels of one dashboard load ask once for the current round
let pending = null;
function currentRound(signal) {
  if (!pending || pending.signal !== signal) {
    pending = { signal, p: get('/rounds', { limit: 20 }, { signal }).then((r) => r.items.find((x) => x.status === 'open') || null) };
  }
  return pending.p;
}

const noRound = (el) => el.append(h('p', { class: 'empty', i18n: 'panel.round.none' }), h('p', null, h('a', { href: '#/rounds', i18n: 'panel.round.go_rounds' })));

registerPanel({
  id: 'round-progress',
  title: 'panel.round.progress',
  roles: ['admin', 'officer', 'staff'],
  order: 5,
  wide: true,
  async render(el, ctx) {
    const round = await currentRound(ctx.signal);
    if (!round) { noRound(el); return; }
    const code = ctx.area.code;
    let cov;
    try {
      cov = await get(`/rounds/${round.id}/coverage`, { area: code }, { signal: ctx.signal });
    } catch (e) {
      if (e.code !== 'area_not_covered') throw e;
      el.append(h('p', null, h('a', { href: `#/rounds/${round.id}`, text: round.name })), h('p', { class: 'empty', i18n: 'panel.round.not_covered', vars: { name: ctx.area.name } }));
      return;
    }
    el.append(h('p', null, h('a', { href: `#/rounds/${round.id}/progress?area=${enc(cov.area)}`, text: round.name })),
      h('div', { class: 'tiles' },
        h('div', { class: 'tile', dataset: { count: 'sampled' } }, h('span', { class: 'n', text: `${fmtNum(cov.sampled)} / ${fmtNum(cov.in_scope)}` }), h('span', { class: 'l', i18n: 'panel.round.sampled_of' })),
        h('div', { class: 'tile', dataset: { count: 'percent' } }, h('span', { class: 'n', text: `${fmtNum(pct(cov.sampled, cov.in_scope))}%` }), h('span', { class: 'l', i18n: 'round.progress' })),
        h('div', { class: 'tile', dataset: { count: 'untested' } }, h('span', { class: 'n', text: fmtNum(cov.untested) }), h('span', { class: 'l', i18n: 'cover.untested' }))));
    const kids = cov.items.filter((c) => c.kind !== 'direct');
    if (!kids.length) return;
    el.append(table([
      { key: 'common.area', cell: (c) => h('a', { href: `#/rounds/${round.id}/progress?area=${enc(c.area)}`, text: c.name }) },
      { key: 'common.kind', cell: (c) => kindLabel(c.kind) },
      { key: 'cover.sampled', num: true, cell: (c) => fmtNum(c.sampled) },
      { key: 'cover.in_scope', num: true, cell: (c) => fmtNum(c.in_scope) },
      { key: 'round.progress', cell: (c) => coverBar(c, c.name) },
    ], kids, { caption: 'panel.round.progress' }));
  },
});

registerPanel({
  id: 'round-work',
  title: 'panel.round.work',
  roles: ['admin', 'officer', 'staff'],
  order: 6,
  wide: true,
  async render(el, ctx) {
    const round = await currentRound(ctx.signal);
    if (!round) { noRound(el); return; }
    const s = await get(`/rounds/${round.id}/summary`, { area: ctx.area.code }, { signal: ctx.signal });
    const tile = (k, tab, n) => h('a', { class: `tile tile-link${n ? ' tile-alert' : ''}`, href: `#/rounds/${round.id}/${tab}`, dataset: { count: k } },
      h('span', { class: 'n', text: fmtNum(n) }), h('span', { class: 'l', i18n: `panel.round.${k}` }));
    el.append(h('div', { class: 'tiles' },
      tile('open_discrepancies', 'discrepancies', s.open_discrepancies),
      tile('positives_pending', 'positives', s.positives_pending),
      tile('boxes_at_risk', 'turnaround', s.boxes_at_risk)));
  },
});
