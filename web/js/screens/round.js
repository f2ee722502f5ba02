// One round: its facts and a tab for each part of the officer's work. The
// tab is part of the address (#/rounds/ID/TAB), so each can be linked to.
import { h, pageHead } from '../dom.js';
import { get, enc } from '../api.js';
import { roundBadge, roundFacts } from '../round/common.js';

const TABS = {
  progress: () => import('../round/progress.js'),
  exemptions: () => import('../round/exemptions.js'),
  discrepancies: () => import('../round/discrepancies.js'),
  positives: () => import('../round/positives.js'),
  turnaround: () => import('../round/turnaround.js'),
  sites: () => import('../round/sites.js'),
  transport: () => import('../round/transport.js'),
  risk: () => import('../round/risk.js'),
  map: () => import('../round/map.js'),
};

export default {
  title: 'round.title',
  async render(main, ctx) {
    const tab = TABS[ctx.params.tab] ? ctx.params.tab : 'progress';
    const round = await get(`/rounds/${enc(ctx.params.id)}`, null, { signal: ctx.signal });
    const head = pageHead('round.heading', { name: round.name });
    head.querySelector('h1').append(' ', roundBadge(round.status));
    const tabs = h('nav', { class: 'tabs', i18nAttr: { 'aria-label': 'round.tabs' } },
      h('ul', null, Object.keys(TABS).map((k) => h('li', null,
        h('a', { href: `#/rounds/${round.id}/${k}`, 'aria-current': k === tab ? 'page' : null, dataset: { tab: k }, i18n: `round.tab.${k}` })))));
    const body = h('div', { class: 'round-body', id: `round-${tab}` });
    main.append(head, h('details', { class: 'card round-facts' }, h('summary', { i18n: 'round.facts' }), roundFacts(round)), tabs, body);
    const mod = (await TABS[tab]()).default;
    if (ctx.stale()) return;
    await mod(body, round, ctx);
  },
};
