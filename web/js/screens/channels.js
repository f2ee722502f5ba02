// Message channels (officers and admins): where reminders, drivers' runs and
// alarms are sent — WeCom and DingTalk group robots and signed webhooks, each
// for one audience (sites, drivers, officers, a team, the city platform) and
// narrowed to a round, a site, a vehicle, a team or an area. A secret is only
// ever written: the list says whether one is set. A channel is switched off
// rather than deleted (its messages stay in the outbox's history).
import { h, clear, pageHead, table, toast } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, patch, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { state } from '../state.js';
import { badge } from '../round/common.js';
import { serverFieldText } from '../round/transport-setup.js';

const KINDS = ['wecom', 'dingtalk', 'webhook'];
const AUDIENCES = ['site', 'driver', 'officer', 'team', 'platform'];
// which narrowing each audience takes (outbox.c: dsp_channel_create)
const TARGETS = { site: ['round', 'site', 'area'], driver: ['round', 'vehicle', 'area'], officer: ['round', 'area'], team: ['team'], platform: ['area'] };
const URL_MAX = 1000;
const SECRET_MAX = 200;

let seq = 0;
function field(key, input, hint) {
  seq += 1;
  input.id ||= `ch-f${seq}`;
  const msg = h('span', { class: 'field-msg', id: `${input.id}-msg`, 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', `${hint ? `${input.id}-hint ` : ''}${msg.id}`);
  return h('div', { class: 'field', dataset: { field: input.name } }, h('label', { for: input.id, i18n: key }), input,
    hint ? h('span', { class: 'hint', id: `${input.id}-hint`, i18n: hint }) : null, msg);
}

function say(input, text) {
  const msg = document.getElementById(`${input.id}-msg`);
  input.setAttribute('aria-invalid', text ? 'true' : 'false');
  msg.className = `field-msg${text ? ' error' : ''}`;
  msg.textContent = text || '';
}

const select = (name, options, value) => h('select', { name }, options.map(([v, label, key]) => h('option', { value: v, selected: v === value, text: label, i18n: key })));

/** Client checks with the server's words (its messages name the same fields). */
function problems(b, creating) {
  const out = [];
  if (b.name !== undefined && (!b.name || [...b.name].length > 100)) out.push(['name', t('ch.err.name')]);
  if (b.url !== undefined && (!/^https?:\/\/\S+$/.test(b.url) || b.url.length > URL_MAX)) out.push(['url', t('ch.err.url', { n: URL_MAX })]);
  if (b.secret !== undefined && new TextEncoder().encode(b.secret).length > SECRET_MAX) out.push(['secret', t('ch.err.secret_long', { n: SECRET_MAX })]);
  if (creating && b.kind === 'webhook' && !b.secret) out.push(['secret', t('ch.err.secret')]);
  if (creating && b.audience === 'team' && !b.team) out.push(['team', t('ch.err.team')]);
  if (creating && b.audience !== 'team' && !b.round && !b.site && !b.area) out.push(['area', t('ch.err.area')]);
  return out;
}

/** Marks problems at their fields; a server refusal names its field first ("url: …"). */
function showProblems(form, list) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) say(el, null);
  let first = null;
  for (const [name, text] of list) {
    const el = form.elements[name];
    if (!el || el.closest('[hidden]')) continue;
    say(el, text);
    first ||= el;
  }
  first?.focus();
  return first;
}

function serverProblem(form, e, errBox) {
  const m = /^([a-z_]+): /.exec(e.serverMessage || '');
  if (!(m && [400, 403, 404].includes(e.status) && showProblems(form, [[m[1], serverFieldText(e.serverMessage)]]))) errBox.replaceChildren(errorBox(e));
}

function createForm(lists, preset, onDone) {
  const name = h('input', { type: 'text', name: 'name', maxlength: 100, autocomplete: 'off' });
  const kind = select('kind', KINDS.map((k) => [k, '', `ch.kind.${k}`]), 'wecom');
  const audience = select('audience', AUDIENCES.map((k) => [k, '', `ch.audience.${k}`]), 'site');
  const none = ['', '', 'ch.any'];
  const round = select('round', [none, ...lists.rounds.map((r) => [String(r.id), r.name])], preset.round || '');
  const site = select('site', [none, ...lists.sites.map((s) => [String(s.id), s.name])], '');
  const team = select('team', [['', '', 'ch.choose_team'], ...lists.teams.map((x) => [String(x.id), x.name])], '');
  const vehicle = h('input', { type: 'text', name: 'vehicle', maxlength: 31, autocomplete: 'off' });
  const area = h('input', { type: 'text', name: 'area', maxlength: 64, autocomplete: 'off', value: state.area?.code || state.user?.area || '' });
  const url = h('input', { type: 'url', name: 'url', maxlength: URL_MAX, autocomplete: 'off', placeholder: 'https://' });
  const secret = h('input', { type: 'password', name: 'secret', maxlength: SECRET_MAX, autocomplete: 'new-password' });
  const boxes = { round: field('ch.round', round, 'ch.round_hint'), site: field('ch.site', site, 'ch.site_hint'), vehicle: field('ch.vehicle', vehicle, 'ch.vehicle_hint'), team: field('ch.team', team), area: field('ch.area', area, 'ch.area_hint') };
  const secretBox = field('ch.secret', secret, 'ch.secret_hint');
  const sync = () => {
    if (audience.value === 'platform') kind.value = 'webhook';
    kind.disabled = audience.value === 'platform';
    for (const [k, el] of Object.entries(boxes)) el.hidden = !TARGETS[audience.value].includes(k);
    secretBox.hidden = kind.value === 'wecom';
  };
  kind.addEventListener('change', sync);
  audience.addEventListener('change', sync);
  const errBox = h('div');
  const form = h('form', { class: 'card', id: 'ch-new', novalidate: true, 'aria-labelledby': 'ch-new-h' },
    h('h2', { id: 'ch-new-h', i18n: 'ch.new' }),
    h('div', { class: 'form-grid' }, field('ch.name', name), field('ch.kind_l', kind), field('ch.audience_l', audience),
      Object.values(boxes), field('ch.url', url, 'ch.url_hint'), secretBox),
    errBox, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn', id: 'ch-create', i18n: 'ch.create' })));
  sync();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errBox.replaceChildren();
    const b = { name: name.value.trim(), kind: kind.value, audience: audience.value, url: url.value.trim() };
    const shown = TARGETS[audience.value];
    if (shown.includes('round') && round.value) b.round = Number(round.value);
    if (shown.includes('site') && site.value) b.site = Number(site.value);
    if (shown.includes('team') && team.value) b.team = Number(team.value);
    if (shown.includes('vehicle') && vehicle.value.trim()) b.vehicle = vehicle.value.trim();
    if (shown.includes('area') && !b.round && !b.site && area.value.trim()) b.area = area.value.trim();
    if (!secretBox.hidden && secret.value) b.secret = secret.value;
    if (showProblems(form, problems(b, true))) return;
    try {
      const c = await post('/channels', b);
      toast('ch.created', { name: c.name });
      form.reset(); // the secret never stays on the page
      sync();
      await onDone(c);
    } catch (e) { serverProblem(form, e, errBox); }
  });
  return form;
}

function editForm(c, onDone) {
  const name = h('input', { type: 'text', name: 'name', maxlength: 100, value: c.name, autocomplete: 'off' });
  const url = h('input', { type: 'url', name: 'url', maxlength: URL_MAX, autocomplete: 'off' });
  const secret = h('input', { type: 'password', name: 'secret', maxlength: SECRET_MAX, autocomplete: 'new-password' });
  const errBox = h('div');
  const form = h('form', { class: 'ch-edit', novalidate: true, dataset: { channel: String(c.id) } },
    h('div', { class: 'form-grid' }, field('ch.name', name), field('ch.url_new', url, 'ch.url_keep'),
      field('ch.secret_new', secret, c.has_secret ? 'ch.secret_keep' : 'ch.secret_none')),
    errBox, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-small', i18n: 'action.save' })));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errBox.replaceChildren();
    const b = {};
    if (name.value.trim() !== c.name) b.name = name.value.trim();
    if (url.value.trim()) b.url = url.value.trim();
    if (secret.value) b.secret = secret.value;
    if (showProblems(form, problems(b, false))) return;
    if (!Object.keys(b).length) { errBox.replaceChildren(h('p', { class: 'field-msg error', role: 'alert', i18n: 'ch.nothing' })); return; }
    try {
      const saved = await patch(`/channels/${enc(c.id)}`, b);
      toast('ch.saved', { name: saved.name });
      await onDone();
    } catch (e) { serverProblem(form, e, errBox); }
  });
  return form;
}

function target(c, lists) {
  const parts = [];
  const named = (list, id) => list.find((x) => x.id === id)?.name || `#${id}`;
  if (c.round != null) parts.push(h('span', { i18n: 'ch.t.round', vars: { name: named(lists.rounds, c.round) } }));
  if (c.site != null) parts.push(h('span', { i18n: 'ch.t.site', vars: { name: named(lists.sites, c.site) } }));
  if (c.vehicle) parts.push(h('span', { i18n: 'ch.t.vehicle', vars: { name: c.vehicle } }));
  if (c.team != null) parts.push(h('span', { i18n: 'ch.t.team', vars: { name: named(lists.teams, c.team) } }));
  if (!parts.length) parts.push(h('span', { i18n: 'ch.t.area' }));
  return h('span', null, parts.flatMap((p, i) => (i ? [' · ', p] : [p])));
}

/** Switched off, failing (since when, and why), or working. */
function health(c) {
  if (c.disabled) return badge('ch.off', 'masked');
  if (c.failing_since == null) return badge('ch.on', 'ok');
  return h('span', { class: 'ch-failing' }, badge('ch.failing', 'fail'), ' ', h('span', { class: 'small', i18n: 'ch.failing_since', vars: { at: fmtTime(c.failing_since) } }),
    c.last_error ? h('span', { class: 'small muted ch-error', lang: 'en', text: c.last_error }) : null);
}

export default {
  title: 'ch.title',
  async render(main, ctx) {
    const preset = { round: ctx.query.get('round') || '' };
    const opt = (p, params) => get(p, params, { signal: ctx.signal }).then((r) => r.items, () => []);
    const [rounds, sites, teams] = await Promise.all([opt('/rounds', { limit: 100 }), opt('/sites', { limit: 200 }), opt('/teams', { limit: 500 })]);
    if (ctx.stale()) return;
    const lists = { rounds, sites, teams };
    const listEl = h('div', { 'aria-live': 'polite' });
    const load = async () => {
      const r = await get('/channels', null, { signal: ctx.signal });
      if (ctx.stale()) return;
      clear(listEl);
      if (!r.items.length) { listEl.append(h('p', { class: 'empty', id: 'ch-none', i18n: 'ch.none' })); return; }
      listEl.append(table([
        { key: 'ch.name', cell: (c) => h('strong', { text: c.name }) },
        { key: 'ch.kind_l', cell: (c) => h('span', { i18n: `ch.kind.${c.kind}` }) },
        { key: 'ch.audience_l', cell: (c) => h('span', { i18n: `ch.audience.${c.audience}` }) },
        { key: 'ch.target', cell: (c) => target(c, lists) },
        { key: 'common.area', cell: (c) => c.area },
        { key: 'ch.url', cell: (c) => h('span', { class: 'mono small ch-url', text: c.url }) },
        { key: 'ch.secret', cell: (c) => h('span', { class: 'ch-secret', i18n: c.has_secret ? 'ch.secret_set' : 'ch.secret_unset' }) },
        { key: 'common.status', cell: health },
        { key: 'ch.updated', cell: (c) => fmtTime(c.updated_at) },
        { key: 'ch.actions', cell: (c) => {
          const edit = h('details', { class: 'ch-edit-box' }, h('summary', { class: 'btn btn-secondary btn-small', i18n: 'action.edit' }), editForm(c, load));
          const flip = h('button', { type: 'button', class: 'btn btn-quiet btn-small ch-flip', i18n: c.disabled ? 'ch.enable' : 'ch.disable' });
          flip.addEventListener('click', async () => {
            flip.disabled = true;
            try {
              await patch(`/channels/${enc(c.id)}`, { disabled: !c.disabled });
              toast(c.disabled ? 'ch.enabled' : 'ch.disabled', { name: c.name });
              await load();
            } catch (e) { listEl.prepend(errorBox(e)); flip.disabled = false; }
          });
          return h('span', { class: 'ch-actions' }, edit, flip);
        } },
      ], r.items, { caption: 'ch.list' }));
      for (const [i, c] of r.items.entries()) listEl.querySelectorAll('tbody tr')[i].dataset.channel = String(c.id);
    };
    main.append(pageHead('ch.title'), h('p', { class: 'muted', i18n: 'ch.intro' }),
      h('section', { class: 'card', 'aria-labelledby': 'ch-list-h' }, h('h2', { id: 'ch-list-h', i18n: 'ch.list' }), listEl),
      createForm(lists, preset, load));
    await load();
  },
};

