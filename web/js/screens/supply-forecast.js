// Tomorrow's supplies: for each warehouse the stock clerk's pick list (what goes to which
// site: the forecast less what the site holds), sortable by site or item and printable, a
// shortfall flagged in words with a button that tells the officers (once per round and
// item); below, each site's forecast with where its numbers came from.
import { h, clear, pageHead, table, loading, toast, linkButton } from '../dom.js';
import { t, fmtNum, fmtTime } from '../i18n.js';
import { api, get, post } from '../api.js';
import { errorBox } from '../errors.js';
import { isOfficer } from '../ops/common.js';
import { itemName, loadItems, shortfallText } from '../supply/common.js';

/** Pick lines of the sites a warehouse supplies (id 0: sites under no warehouse). */
function pickLines(sites, warehouseId) {
  const out = [];
  for (const s of sites) {
    if ((s.warehouse ? s.warehouse.id : 0) !== warehouseId) continue;
    for (const l of s.lines) if (l.pick > 0) out.push({ site: s.name, area: s.area, ...l });
  }
  return out;
}

function sortLines(lines, by) {
  const key = by === 'item' ? (l) => `${l.item}\u0000${l.site}` : (l) => `${l.site}\u0000${l.item}`;
  return lines.sort((a, b) => key(a).localeCompare(key(b), 'zh-CN'));
}

function warehouseCard(w, sites, sortBy, round, onFlag) {
  const id = w.warehouse ? w.warehouse.id : 0;
  const short = Object.entries(w.items).filter(([, v]) => v.shortfall > 0);
  const card = h('section', { class: 'card pick-list', id: `wh-${id}`, 'aria-labelledby': `wh-${id}-h` },
    h('h2', { id: `wh-${id}-h`, text: w.warehouse ? w.warehouse.name : t('sup.no_warehouse') }),
    h('p', { class: 'muted', i18n: 'sup.pick_for', vars: { n: fmtNum(w.sites) } }));
  if (short.length) {
    const btn = round ? h('button', { type: 'button', class: 'btn btn-small no-print', dataset: { act: 'flag' } }, h('span', { i18n: 'sup.flag' })) : null;
    if (btn) btn.addEventListener('click', () => onFlag(btn));
    card.append(h('div', { class: 'alert alert-error shortfall', role: 'alert' },
      h('p', { class: 'what', i18n: 'sup.shortfall', vars: { name: w.warehouse ? w.warehouse.name : t('sup.no_warehouse') } }),
      h('ul', null, short.map(([code, v]) => h('li', { dataset: { item: code } }, shortfallText(code, v)))), btn));
  }
  const lines = sortLines(pickLines(sites, id), sortBy);
  if (!lines.length) { card.append(h('p', { class: 'empty', i18n: 'sup.nothing_to_pick' })); return card; }
  card.append(table([
    { key: 'sup.site', cell: (l) => l.site },
    { key: 'sup.item', cell: (l) => itemName(l.item) },
    { key: 'sup.need', num: true, cell: (l) => fmtNum(l.need) },
    { key: 'sup.at_site', num: true, cell: (l) => fmtNum(l.stock) },
    { key: 'sup.to_pick', num: true, cell: (l) => h('strong', { text: fmtNum(l.pick) }) },
  ], lines, { caption: 'sup.pick_list' }));
  return card;
}

const RISKS = ['none', 'precaution', 'controlled', 'sealed'];

/** A line's arithmetic in the user's language, from the same figures the server used (core/supply.h). */
function whyText(s, l, data) {
  const w = data.settings.wastage_pct;
  const ceil = (a, b) => Math.ceil(a / b);
  let base;
  if (l.item === 'swab') base = t(`sup.why.swab.${s.source}`, { n: fmtNum(s.headcount) });
  else if (l.item === 'box') {
    const tubes = s.lines.filter((x) => x.item.startsWith('tube-')).reduce((a, x) => a + x.base, 0);
    base = t('sup.why.box', { tubes: fmtNum(tubes), per: data.settings.tubes_per_box, n: fmtNum(l.base) });
  } else if (l.item === 'ppe') {
    const samplers = s.staff - s.tables;
    base = t('sup.why.ppe', { n: fmtNum(s.headcount), per: data.settings.people_per_sampler, samplers, tables: s.tables, sets: data.settings.ppe_per_staff, total: fmtNum(l.base) });
  } else {
    const pool = Number(l.item.slice(5));
    base = RISKS.filter((r) => data.pool[r] === pool && s.heads[r] > 0)
      .map((r) => t('sup.why.tube', { risk: t(`risk.${r}`), n: fmtNum(s.heads[r]), pool, tubes: fmtNum(ceil(s.heads[r], pool)) })).join(t('round.list_sep'));
  }
  return t('sup.why.wastage', { base, w, need: fmtNum(l.need) });
}

function forecastTable(sites, data) {
  return table([
    { key: 'sup.site', cell: (s) => h('span', null, h('strong', { text: s.name }), h('span', { class: 'muted small', text: ` ${s.area}` })) },
    { key: 'sup.headcount', num: true, cell: (s) => fmtNum(s.headcount) },
    { key: 'sup.source', cell: (s) => t(`sup.source.${s.source}`) },
    { key: 'sup.lines', cell: (s) => h('ul', { class: 'plain' }, s.lines.filter((l) => l.need > 0).map((l) => h('li', null,
      h('span', { text: `${itemName(l.item)} ${fmtNum(l.need)}` }), h('span', { class: 'muted small why', text: ` (${whyText(s, l, data)})` })))) },
  ], sites, { caption: 'sup.forecast' });
}

const SETTINGS = [['wastage_pct', 0.1], ['tubes_per_box', 1], ['people_per_sampler', 1], ['ppe_per_staff', 1]];

/** Officers change the forecast's numbers; everyone else reads them in the policy line. */
function settingsForm(current, onSaved) {
  const inputs = {};
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn btn-small' }, h('span', { i18n: 'sup.save_settings' }));
  const form = h('form', { class: 'row-form', id: 'fc-settings', novalidate: true },
    SETTINGS.map(([k, step]) => {
      inputs[k] = h('input', { type: 'number', id: `fc-${k}`, name: k, step, min: 0, inputmode: 'decimal', value: current[k] });
      return h('div', { class: 'field' }, h('label', { for: `fc-${k}`, i18n: `sup.setting.${k}` }), inputs[k]);
    }), btn, msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    const body = Object.fromEntries(SETTINGS.map(([k]) => [k, Number(inputs[k].value)]));
    btn.disabled = true;
    try {
      await api('PUT', '/supply/settings', { body });
      toast('sup.settings_saved');
      await onSaved();
    } catch (err) { msg.append(errorBox(err)); } finally { btn.disabled = false; }
  });
  return h('details', { class: 'card no-print' }, h('summary', { i18n: 'sup.settings' }), form);
}

export default {
  title: 'sup.forecast_title',
  async render(main, ctx) {
    await loadItems(ctx.signal);
    const roundSel = h('select', { id: 'fc-round', name: 'round' }, h('option', { value: '', i18n: 'sup.newest_round' }));
    const sortSel = h('select', { id: 'fc-sort', name: 'sort' }, ['site', 'item'].map((k) => h('option', { value: k, i18n: `sup.sort.${k}` })));
    const printBtn = h('button', { type: 'button', class: 'btn btn-secondary no-print', onclick: () => window.print() }, h('span', { i18n: 'sup.print' }));
    const msg = h('div', { 'aria-live': 'assertive' });
    const body = h('div', { id: 'pick-lists', 'aria-live': 'polite' });
    const policy = h('p', { class: 'muted', id: 'fc-policy' });
    main.append(pageHead('sup.forecast_title', null, linkButton('#/supplies', 'sup.to_stock', 'btn btn-secondary no-print'), printBtn),
      h('div', { class: 'card no-print' }, h('div', { class: 'row' },
        h('div', { class: 'field' }, h('label', { for: 'fc-round', i18n: 'sup.round' }), roundSel),
        h('div', { class: 'field' }, h('label', { for: 'fc-sort', i18n: 'sup.sort' }), sortSel))),
      policy, msg, isOfficer() ? settingsForm(await get('/supply/settings', null, { signal: ctx.signal }), () => load()) : null, body);
    const rounds = await get('/rounds', { limit: 20 }, { signal: ctx.signal });
    for (const r of rounds.items) roundSel.append(h('option', { value: String(r.id), text: `${r.name} · ${fmtTime(r.start)}` }));
    let data = null;
    const draw = () => {
      clear(body);
      const round = data.round;
      policy.textContent = t('sup.policy', {
        round: round ? round.name : t('sup.default_policy'), none: data.pool.none, precaution: data.pool.precaution,
        controlled: data.pool.controlled, sealed: data.pool.sealed, wastage: data.settings.wastage_pct,
      });
      if (!data.sites.length) { body.append(h('p', { class: 'empty', i18n: 'sup.no_sites' })); return; }
      const flag = async (btn) => {
        clear(msg);
        btn.disabled = true;
        try {
          const r = await post('/supply/shortfalls', { round: round.id });
          toast('sup.flagged', { n: fmtNum(r.alerts_raised) });
          data = r;
          draw();
        } catch (err) { btn.disabled = false; msg.append(errorBox(err)); }
      };
      for (const w of data.warehouses) body.append(warehouseCard(w, data.sites, sortSel.value, round, flag));
      body.append(h('section', { class: 'card', id: 'forecast', 'aria-labelledby': 'fc-h' },
        h('h2', { id: 'fc-h', i18n: 'sup.forecast' }), forecastTable(data.sites, data)));
    };
    const load = async () => {
      clear(msg);
      clear(body).append(loading());
      data = await get('/supply/pick-lists', { round: roundSel.value || null }, { signal: ctx.signal });
      draw();
    };
    roundSel.addEventListener('change', () => load().catch((e) => clear(body).append(errorBox(e))));
    sortSel.addEventListener('change', () => data && draw());
    await load();
  },
};
