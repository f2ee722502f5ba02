// Disinfection: the places overdue first, a treatment recorded from the field
// (team, agent, concentration, who did it) in a form that fits a phone, every schedule
// with its interval and next due time, a new schedule for a street or compound, a site
// or a home, and the log of treatments.
import { h, clear, pageHead, table, loading, toast } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { api, get, post } from '../api.js';
import { errorBox } from '../errors.js';
import { isOfficer } from '../ops/common.js';
import { badge } from '../round/common.js';

const INTERVALS = [24, 12, 8, 48, 168];

function interval(s) {
  const hrs = s.interval_s / 3600;
  return INTERVALS.includes(hrs) ? t(`dis.every.${hrs}`) : t('dis.every_h', { n: hrs });
}

function late(s) {
  const hrs = Math.max(1, Math.floor((Date.now() / 1000 - s.due_at) / 3600));
  return t('dis.late_h', { n: hrs });
}

function field(id, key, input) {
  return h('div', { class: 'field' }, h('label', { for: id, i18n: key }), input);
}

/** Officers decide whether a new isolation case's home gets a schedule, how often and with what. */
function settingsForm(cur) {
  const auto = h('input', { type: 'checkbox', id: 'ds-auto', name: 'auto_home', checked: cur.auto_home });
  const every = h('select', { id: 'ds-interval', name: 'home_interval_h' },
    INTERVALS.map((n) => h('option', { value: n, i18n: `dis.every.${n}`, selected: n === cur.home_interval_h })));
  const agent = h('input', { type: 'text', id: 'ds-agent', name: 'home_agent', maxlength: 50, autocomplete: 'off', value: cur.home_agent });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn btn-small' }, h('span', { i18n: 'dis.save_settings' }));
  const form = h('form', { class: 'row-form', id: 'dis-settings', novalidate: true },
    h('div', { class: 'field check' }, auto, h('label', { for: 'ds-auto', i18n: 'dis.auto_home' })),
    field('ds-interval', 'dis.home_interval', every), field('ds-agent', 'dis.home_agent', agent), btn, msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    btn.disabled = true;
    try {
      await api('PUT', '/disinfection/settings', { body: { auto_home: auto.checked, home_interval_h: Number(every.value), home_agent: agent.value.trim() } });
      toast('dis.settings_saved');
    } catch (err) { msg.append(errorBox(err)); } finally { btn.disabled = false; }
  });
  return h('details', { class: 'card', id: 'dis-settings-card' }, h('summary', { i18n: 'dis.settings' }), form);
}

export default {
  title: 'dis.title',
  async render(main, ctx) {
    const overdueBody = h('div', { 'aria-live': 'polite' });
    const listBody = h('div', { 'aria-live': 'polite' });
    const logBody = h('div', { 'aria-live': 'polite' });
    // record a treatment
    const sched = h('select', { id: 'tr-schedule', name: 'schedule' });
    const teamId = h('select', { id: 'tr-team-id', name: 'team_id' }, h('option', { value: '', i18n: 'dis.team_other' }));
    const team = h('input', { type: 'text', id: 'tr-team', name: 'team', maxlength: 50, autocomplete: 'off' });
    const teamF = field('tr-team', 'dis.team', team);
    const agent = h('input', { type: 'text', id: 'tr-agent', name: 'agent', maxlength: 50, autocomplete: 'off' });
    const conc = h('input', { type: 'text', id: 'tr-conc', name: 'concentration', maxlength: 30, autocomplete: 'off', i18nAttr: { placeholder: 'dis.conc_hint' } });
    const operator = h('input', { type: 'text', id: 'tr-operator', name: 'operator', maxlength: 30, autocomplete: 'off' });
    const trMsg = h('div', { 'aria-live': 'assertive' });
    const trBtn = h('button', { type: 'submit', class: 'btn' }, h('span', { i18n: 'dis.record' }));
    const treat = h('form', { class: 'card treat-form', id: 'treat', novalidate: true, 'aria-labelledby': 'treat-h' },
      h('h2', { id: 'treat-h', i18n: 'dis.record_title' }), field('tr-schedule', 'dis.place', sched),
      h('div', { class: 'row' }, field('tr-team-id', 'dis.team_roster', teamId), teamF, field('tr-operator', 'dis.operator', operator)),
      h('div', { class: 'row' }, field('tr-agent', 'dis.agent_used', agent), field('tr-conc', 'dis.concentration', conc)),
      trMsg, trBtn);
    // a new schedule
    const kind = h('select', { id: 'ns-kind', name: 'kind' }, ['area', 'site', 'home'].map((k) => h('option', { value: k, i18n: `dis.kind.${k}` })));
    const area = h('input', { type: 'text', id: 'ns-area', name: 'area', maxlength: 64, autocomplete: 'off', i18nAttr: { placeholder: 'dis.area_hint' } });
    const site = h('select', { id: 'ns-site', name: 'site' });
    const household = h('input', { type: 'number', id: 'ns-household', name: 'household', inputmode: 'numeric' });
    const every = h('select', { id: 'ns-interval', name: 'interval_h' }, INTERVALS.map((n) => h('option', { value: n, i18n: `dis.every.${n}` })));
    const nsAgent = h('input', { type: 'text', id: 'ns-agent', name: 'agent', maxlength: 50, autocomplete: 'off', value: t('dis.default_agent') });
    const areaF = field('ns-area', 'dis.area', area);
    const siteF = field('ns-site', 'dis.site', site);
    const homeF = field('ns-household', 'dis.household', household);
    const nsMsg = h('div', { 'aria-live': 'assertive' });
    const nsBtn = h('button', { type: 'submit', class: 'btn btn-secondary' }, h('span', { i18n: 'dis.create' }));
    const create = h('form', { class: 'card', id: 'new-schedule', novalidate: true, 'aria-labelledby': 'ns-h' },
      h('h2', { id: 'ns-h', i18n: 'dis.new' }),
      h('div', { class: 'row' }, field('ns-kind', 'dis.kind', kind), areaF, siteF, homeF),
      h('div', { class: 'row' }, field('ns-interval', 'dis.interval', every), field('ns-agent', 'dis.agent', nsAgent)), nsMsg, nsBtn);
    const showKind = () => { areaF.hidden = kind.value !== 'area'; siteF.hidden = kind.value !== 'site'; homeF.hidden = kind.value !== 'home'; };
    kind.addEventListener('change', showKind);
    showKind();
    main.append(pageHead('dis.title'),
      h('section', { class: 'card', id: 'overdue', 'aria-labelledby': 'od-h' }, h('h2', { id: 'od-h', i18n: 'dis.overdue' }), overdueBody),
      treat,
      h('section', { class: 'card', id: 'schedules', 'aria-labelledby': 'sc-h' }, h('h2', { id: 'sc-h', i18n: 'dis.schedules' }), listBody),
      create,
      isOfficer() ? settingsForm(await get('/disinfection/settings', null, { signal: ctx.signal })) : null,
      h('section', { class: 'card', id: 'log', 'aria-labelledby': 'log-h' }, h('h2', { id: 'log-h', i18n: 'dis.log' }), logBody));

    const choose = (s) => {
      sched.value = String(s.id);
      agent.value = s.agent;
      treat.scrollIntoView({ block: 'start' });
      team.focus();
    };
    const recordBtn = (s) => h('button', { type: 'button', class: 'btn btn-small', onclick: () => choose(s) },
      h('span', { i18n: 'dis.record' }), h('span', { class: 'sr-only', text: ` ${s.place}` }));
    const status = (s) => (!s.active ? badge('dis.inactive', 'ok') : s.overdue ? badge('dis.is_overdue', 'fail') : badge('dis.on_time', 'ok'));
    teamId.addEventListener('change', () => { teamF.hidden = !!teamId.value; });
    // the disinfection teams of the roster, when the user may read it; free text otherwise
    get('/teams', { kind: 'disinfection', limit: 200 }, { signal: ctx.signal })
      .then((r) => teamId.append(...r.items.map((x) => h('option', { value: x.id, text: x.name }))))
      .catch(() => { teamId.closest('.field').hidden = true; });
    const load = async () => {
      const [od, all, log, sites] = await Promise.all([
        get('/disinfection/schedules', { overdue: 1, limit: 100 }, { signal: ctx.signal }),
        get('/disinfection/schedules', { limit: 500 }, { signal: ctx.signal }),
        get('/disinfection/treatments', { limit: 50 }, { signal: ctx.signal }),
        site.options.length ? null : get('/sites', { limit: 500 }, { signal: ctx.signal }),
      ]);
      if (sites) site.append(...sites.items.map((s) => h('option', { value: s.id, text: s.name })));
      const keep = sched.value;
      clear(sched).append(h('option', { value: '', i18n: 'dis.choose' }),
        ...all.items.filter((s) => s.active).map((s) => h('option', { value: s.id, text: s.place })));
      sched.value = keep;
      clear(overdueBody);
      if (!od.items.length) overdueBody.append(h('p', { class: 'empty', i18n: 'dis.none_overdue' }));
      else {
        overdueBody.append(h('p', { class: 'muted', i18n: 'dis.overdue_n', vars: { n: od.total } }),
          h('ul', { class: 'cards' }, od.items.map((s) => h('li', { class: 'item item-open', dataset: { schedule: s.id } },
            h('h3', { text: s.place }),
            h('p', null, badge('dis.is_overdue', 'fail'), ' ', late(s), ' · ', t('dis.last', { at: s.last_at ? fmtTime(s.last_at) : t('dis.never') })),
            recordBtn(s)))));
      }
      clear(listBody);
      if (!all.items.length) listBody.append(h('p', { class: 'empty', i18n: 'dis.none' }));
      else {
        listBody.append(table([
          { key: 'dis.place', cell: (s) => h('span', null, h('strong', { text: s.place }), h('span', { class: 'muted small', text: ` ${t(`dis.kind.${s.kind}`)}` })) },
          { key: 'dis.interval', cell: interval },
          { key: 'dis.agent', cell: (s) => s.agent },
          { key: 'dis.last_at', cell: (s) => (s.last_at ? fmtTime(s.last_at) : t('dis.never')) },
          { key: 'dis.due', cell: (s) => fmtTime(s.due_at) },
          { key: 'common.status', cell: status },
          { key: 'common.actions', cell: (s) => (s.active ? recordBtn(s) : null) },
        ], all.items, { caption: 'dis.schedules' }));
      }
      clear(logBody);
      if (!log.items.length) logBody.append(h('p', { class: 'empty', i18n: 'dis.no_log' }));
      else {
        logBody.append(table([
          { key: 'common.time', cell: (x) => fmtTime(x.at) },
          { key: 'dis.place', cell: (x) => x.place },
          { key: 'dis.team', cell: (x) => x.team },
          { key: 'dis.agent_used', cell: (x) => x.agent },
          { key: 'dis.concentration', cell: (x) => x.concentration },
          { key: 'dis.operator', cell: (x) => x.operator },
        ], log.items, { caption: 'dis.log' }));
      }
    };
    sched.addEventListener('change', () => {
      const opt = sched.selectedOptions[0];
      if (opt && opt.value) get(`/disinfection/schedules/${opt.value}`, null, { signal: ctx.signal }).then((s) => { agent.value = s.agent; }).catch(() => {});
    });
    treat.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(trMsg);
      const need = !sched.value ? [sched, 'dis.need_place'] : !teamId.value && !team.value.trim() ? [team, 'dis.need_team'] : null;
      if (need) { trMsg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: need[1] })); need[0].focus(); return; }
      const body = teamId.value ? { team_id: Number(teamId.value) } : { team: team.value.trim() };
      if (agent.value.trim()) body.agent = agent.value.trim();
      if (conc.value.trim()) body.concentration = conc.value.trim();
      if (operator.value.trim()) body.operator = operator.value.trim();
      trBtn.disabled = true;
      try {
        const r = await post(`/disinfection/schedules/${sched.value}/treatments`, body);
        toast('dis.recorded', { place: r.place });
        sched.value = '';
        conc.value = '';
        await load();
      } catch (err) { trMsg.append(errorBox(err)); } finally { trBtn.disabled = false; }
    });
    create.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(nsMsg);
      const body = { kind: kind.value, interval_h: Number(every.value), agent: nsAgent.value.trim() };
      if (kind.value === 'area') body.area = area.value.trim();
      if (kind.value === 'site') body.site = Number(site.value);
      if (kind.value === 'home') body.household = Number(household.value);
      nsBtn.disabled = true;
      try {
        const r = await post('/disinfection/schedules', body);
        toast('dis.created', { place: r.place });
        area.value = '';
        await load();
      } catch (err) { nsMsg.append(errorBox(err)); } finally { nsBtn.disabled = false; }
    });
    clear(overdueBody).append(loading());
    await load();
  },
};
