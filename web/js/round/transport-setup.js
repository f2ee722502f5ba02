// A round's transport setup as a form (officers and admins): the hub (a site's
// place or coordinates), speed and rules with their defaults, vehicles (added
// and removed as rows, shifts as times on the round's day) and each site's
// sealing schedule. The page checks what the server checks, with the same
// words; whatever the server still refuses is shown at the field its message
// names ("vehicles[0].driver: …"). Saving replaces the setup as a whole (PUT).
import { h, append } from '../dom.js';
import { t, TIME_ZONE } from '../i18n.js';
import { api, get, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { state } from '../state.js';

export const DEFAULTS = { speed_kmh: 30, deadline_min: 90, service_min: 3, lead_min: 15, replan_min: 10 };
const RULES = [ // [field, min, max] as the server checks them (dispatch/setup.c)
  ['deadline_min', 1, 1440], ['service_min', 0, 120], ['lead_min', 1, 240], ['replan_min', 1, 240]];
const ID_MAX = 31; // DSP_ID_MAX - 1 bytes
const DRIVER_MAX = 63;
const SEAL_EVERY = 45; // a new site's default interval (the seed's group leader's rhythm)

/** Local midnight (display zone) of the day holding epoch. */
export function dayStart(epoch) {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(epoch * 1000));
  const n = (type) => Number(parts.find((p) => p.type === type).value);
  return epoch - (n('hour') * 3600 + n('minute') * 60 + n('second'));
}

/** A time input for an epoch on the round's day; a time on another day keeps its day. */
function timeInput(day0, epoch, attrs) {
  const min = Math.floor((epoch - day0) / 60);
  const day = Math.floor(min / 1440);
  const m = min - day * 1440;
  const p = (x) => String(x).padStart(2, '0');
  return h('input', { type: 'time', value: `${p(Math.floor(m / 60))}:${p(m % 60)}`, ...attrs, dataset: { ...attrs.dataset, day: String(day) } });
}

function timeValue(day0, input) {
  const m = /^(\d\d):(\d\d)/.exec(input.value);
  if (!m) return NaN;
  return day0 + ((Number(input.dataset.day) || 0) * 1440 + Number(m[1]) * 60 + Number(m[2])) * 60;
}

const bytes = (s) => new TextEncoder().encode(s).length;
const textId = (s, max) => (s && bytes(s) <= max && !/[@#]/.test(s) ? null : { key: 'ts.err.text_id', vars: { n: max } });
const whole = (v, min, max) => (/^-?\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? null : { key: 'ts.err.range', vars: { min, max } });

// The server's field messages (English, stable wording) → catalogue keys.
const SERVER = [
  [/expected a whole number from (?<min>-?\d+) to (?<max>\d+)/, 'ts.err.range'],
  [/must be after shift_start/, 'ts.err.end_after'],
  [/must not be before first_seal/, 'ts.err.last_before'],
  [/"(?<v>[^"]*)" is not a driver's username/, 'ts.err.not_driver'],
  [/is listed twice/, 'ts.err.twice'],
  [/has no coordinates/, 'ts.err.no_coords'],
  [/expected a text id of 1 to (?<n>\d+) bytes/, 'ts.err.text_id'],
  [/hub_lat and hub_lng/, 'ts.err.hub_coords'],
  [/expected a number above 0 and at most 300/, 'ts.err.speed'],
  [/OSRM service's address/, 'ts.err.osrm'],
  [/does not exist in your area/, 'ts.err.site_gone'],
];

/** A field's message in words: from the server's text, or the text itself. */
export function serverFieldText(message) {
  const s = String(message).replace(/^[a-z_\]\[0-9.]+: /, '');
  for (const [re, key] of SERVER) {
    const m = s.match(re);
    if (m) return t(key, Object.fromEntries(Object.entries(m.groups || {}).map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v])));
  }
  return s;
}

let seq = 0;
/** A labelled control with its message line; field is the server's name for it. */
function field(labelKey, input, { hint, hintVars } = {}) {
  seq += 1;
  input.id ||= `ts-f${seq}`;
  const msg = h('span', { class: 'field-msg', id: `${input.id}-msg`, 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', `${hint ? `${input.id}-hint ` : ''}${msg.id}`);
  return h('div', { class: 'field' },
    h('label', { for: input.id, i18n: labelKey }),
    input,
    hint ? h('span', { class: 'hint', id: `${input.id}-hint`, i18n: hint, vars: hintVars }) : null,
    Number(input.dataset.day) ? h('span', { class: 'hint', i18n: 'ts.day_offset', vars: { n: Number(input.dataset.day) } }) : null,
    msg);
}

function say(input, problem) {
  const msg = document.getElementById(`${input.id}-msg`);
  input.setAttribute('aria-invalid', problem ? 'true' : 'false');
  if (!msg) return;
  msg.className = `field-msg${problem ? ' error' : ''}`;
  if (problem && problem.text) { msg.removeAttribute('data-i18n'); msg.textContent = problem.text; }
  else if (problem) { msg.dataset.i18n = problem.key; msg.dataset.i18nVars = JSON.stringify(problem.vars || {}); msg.textContent = t(problem.key, problem.vars); }
  else { delete msg.dataset.i18n; msg.textContent = ''; }
}

async function driverNames(signal) {
  if (state.user?.role !== 'admin') return []; // only admins list users; others type the username
  try {
    const r = await get('/users', { limit: 500 }, { signal });
    return r.items.filter((u) => u.role === 'driver' && !u.disabled).map((u) => ({ name: u.username, label: u.display_name || u.username }));
  } catch { return []; }
}

/** The setup form. sites: the round's sites ({id,name,lat,lng,opens,closes});
 *  onSaved(setup) after a successful save. */
export async function setupEditor({ round, setup, sites, signal, onSaved }) {
  const day0 = setup ? setup.day0 : dayStart(round.start);
  const drivers = await driverNames(signal);
  const placed = sites.filter((s) => s.lat != null && s.lng != null);
  const form = h('form', { class: 'card ts-form', id: 'ts-form', novalidate: true, 'aria-labelledby': 'ts-h' });
  const num = (id, value, attrs = {}) => h('input', { type: 'number', id, inputmode: 'numeric', value: value ?? '', ...attrs });

  // the hub
  const hub = h('input', { type: 'text', id: 'ts-hub', value: setup?.hub || 'LAB', autocomplete: 'off', maxlength: ID_MAX });
  const sameAt = (s) => setup && setup.hub_lat != null && Math.abs(s.lat - setup.hub_lat) < 1e-7 && Math.abs(s.lng - setup.hub_lng) < 1e-7;
  const atSite = placed.find(sameAt);
  const modes = ['site', 'coords', ...(setup?.matrix ? ['matrix'] : [])];
  let mode = setup?.matrix ? 'matrix' : (atSite || (!setup && placed.length) ? 'site' : 'coords');
  const hubSite = h('select', { id: 'ts-hub-site' }, h('option', { value: '', i18n: 'ts.choose_site' }),
    placed.map((s) => h('option', { value: String(s.id), selected: atSite ? s === atSite : false, text: s.name })));
  const lat = h('input', { type: 'number', id: 'ts-hub-lat', step: 'any', inputmode: 'decimal', value: setup?.hub_lat ?? '' });
  const lng = h('input', { type: 'number', id: 'ts-hub-lng', step: 'any', inputmode: 'decimal', value: setup?.hub_lng ?? '' });
  const osrm = h('input', { type: 'url', id: 'ts-osrm', value: setup?.osrm || '', autocomplete: 'off', placeholder: 'http://' });
  const speed = num('ts-speed', setup?.speed_kmh ?? DEFAULTS.speed_kmh, { step: 'any', inputmode: 'decimal' });
  const siteBox = h('div', { class: 'ts-hub-where' }, field('ts.hub_site', hubSite));
  const coordBox = h('div', { class: 'form-grid ts-hub-where' }, field('ts.hub_lat', lat), field('ts.hub_lng', lng));
  const travelBox = h('div', { class: 'form-grid' }, field('ts.speed', speed, { hint: 'ts.default', hintVars: { n: DEFAULTS.speed_kmh } }),
    field('ts.osrm', osrm, { hint: 'ts.osrm_hint' }));
  const showMode = () => {
    siteBox.hidden = mode !== 'site';
    coordBox.hidden = mode !== 'coords';
    travelBox.hidden = mode === 'matrix';
  };
  const radios = h('div', { class: 'checks', role: 'radiogroup', 'aria-labelledby': 'ts-where-l' }, modes.map((m) => h('label', { class: 'check' },
    h('input', { type: 'radio', name: 'ts-where', value: m, checked: m === mode, onchange: () => { mode = m; showMode(); } }),
    h('span', { i18n: `ts.where.${m}` }))));
  showMode();

  const rules = RULES.map(([k]) => num(`ts-${k}`, setup?.[k] ?? DEFAULTS[k]));

  // vehicles
  const vehBody = h('div', { class: 'ts-rows', id: 'ts-vehicles' });
  const vehRows = [];
  const addVehicle = (v) => {
    const row = {};
    row.id = h('input', { type: 'text', value: v?.id || '', autocomplete: 'off', maxlength: ID_MAX, dataset: { key: 'id' } });
    row.shift_start = timeInput(day0, v ? v.shift_start : day0 + 7 * 3600, { dataset: { key: 'shift_start' } });
    row.shift_end = timeInput(day0, v ? v.shift_end : day0 + 19 * 3600, { dataset: { key: 'shift_end' } });
    row.capacity = num(null, v?.capacity ?? 10, { dataset: { key: 'capacity' } });
    row.driver = h('input', { type: 'text', value: v?.driver || '', autocomplete: 'off', list: drivers.length ? 'ts-drivers' : null, dataset: { key: 'driver' } });
    const n = vehRows.length + 1;
    const remove = h('button', { type: 'button', class: 'btn btn-quiet btn-small ts-remove', i18n: 'ts.remove_vehicle', vars: { n } });
    row.el = h('fieldset', { class: 'ts-row ts-vehicle' }, h('legend', { i18n: 'ts.vehicle_n', vars: { n } }),
      h('div', { class: 'ts-grid' },
        field('ts.vehicle_id', row.id), field('ts.shift_start', row.shift_start), field('ts.shift_end', row.shift_end),
        field('ts.capacity', row.capacity), field('ts.driver', row.driver, { hint: drivers.length ? null : 'ts.driver_hint' })),
      remove);
    remove.addEventListener('click', () => {
      vehRows.splice(vehRows.indexOf(row), 1);
      row.el.remove();
      vehRows.forEach((r, i) => { // the rows are numbered as they are sent
        for (const [sel, key] of [['legend', 'ts.vehicle_n'], ['.ts-remove', 'ts.remove_vehicle']]) {
          const el = r.el.querySelector(sel);
          el.dataset.i18nVars = JSON.stringify({ n: i + 1 });
          el.textContent = t(key, { n: i + 1 });
        }
      });
    });
    vehRows.push(row);
    vehBody.append(row.el);
    return row;
  };
  (setup?.vehicles?.length ? setup.vehicles : [null]).forEach(addVehicle);
  const addBtn = h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'ts-add-vehicle', i18n: 'ts.add_vehicle' });
  addBtn.addEventListener('click', () => addVehicle(null).id.focus());

  // pickups: every site of the round, those in the setup ticked
  const pickBody = h('div', { class: 'ts-rows', id: 'ts-pickups' });
  const pickRows = [];
  const known = new Map(sites.map((s) => [String(s.id), s]));
  for (const p of setup?.pickups || []) if (!known.has(String(p.site))) known.set(String(p.site), { id: p.site, name: p.name, lat: p.lat, lng: p.lng });
  for (const s of known.values()) {
    const p = setup?.pickups?.find((x) => String(x.site) === String(s.id));
    const opens = s.opens ?? 480; const closes = s.closes ?? 1020;
    const row = { site: s };
    // a new setup ticks the sites that can be placed (travel comes from coordinates without a matrix)
    row.on = h('input', { type: 'checkbox', checked: setup ? !!p : s.lat != null && s.lng != null, dataset: { key: 'site' } });
    row.first_seal = timeInput(day0, p ? p.first_seal : day0 + 60 * Math.min(1439, opens + SEAL_EVERY), { dataset: { key: 'first_seal' } });
    row.every_min = num(null, p?.every_min ?? SEAL_EVERY, { dataset: { key: 'every_min' } });
    row.last_seal = timeInput(day0, p ? p.last_seal : day0 + 60 * Math.min(1439, closes), { dataset: { key: 'last_seal' } });
    row.boxes_per_seal = num(null, p?.boxes_per_seal ?? 1, { dataset: { key: 'boxes_per_seal' } });
    seq += 1;
    row.on.id = `ts-f${seq}`;
    const onMsg = h('span', { class: 'field-msg', id: `${row.on.id}-msg`, 'aria-live': 'polite' });
    row.on.setAttribute('aria-describedby', onMsg.id);
    const grid = h('div', { class: 'ts-grid' }, field('ts.first_seal', row.first_seal), field('ts.every_min', row.every_min),
      field('ts.last_seal', row.last_seal), field('ts.boxes_per_seal', row.boxes_per_seal));
    const sync = () => { for (const k of ['first_seal', 'every_min', 'last_seal', 'boxes_per_seal']) row[k].disabled = !row.on.checked; grid.classList.toggle('muted', !row.on.checked); };
    row.on.addEventListener('change', sync);
    sync();
    row.el = h('fieldset', { class: 'ts-row ts-pickup', dataset: { site: String(s.id) } },
      h('legend', null, h('label', { class: 'check' }, row.on, h('span', { text: s.name }))), onMsg, grid);
    pickRows.push(row);
    pickBody.append(row.el);
  }

  const status = h('p', { id: 'ts-status', role: 'status', class: 'tp-status' });
  const errors = h('div', { id: 'ts-error' });
  const vehMsg = h('p', { class: 'field-msg', id: 'ts-vehicles-msg', 'aria-live': 'polite' });
  const pickMsg = h('p', { class: 'field-msg', id: 'ts-pickups-msg', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'btn', id: 'ts-save', i18n: 'ts.save' });

  append(form, [
    h('h2', { id: 'ts-h', i18n: setup ? 'ts.edit' : 'ts.new' }),
    h('p', { class: 'muted', i18n: 'ts.intro' }),
    h('fieldset', null, h('legend', { i18n: 'ts.hub' }),
      h('div', { class: 'form-grid' }, field('ts.hub_id', hub, { hint: 'ts.hub_id_hint' })),
      h('p', { class: 'label', id: 'ts-where-l', i18n: 'ts.where' }), radios, siteBox, coordBox,
      mode === 'matrix' || setup?.matrix ? h('p', { class: 'hint', i18n: 'ts.matrix_hint' }) : null, travelBox),
    h('fieldset', null, h('legend', { i18n: 'ts.rules' }),
      h('div', { class: 'form-grid' }, RULES.map(([k], i) => field(`ts.${k}`, rules[i], { hint: 'ts.default_min', hintVars: { n: DEFAULTS[k] } })))),
    h('fieldset', null, h('legend', { i18n: 'tp.vehicles' }), vehMsg, vehBody, addBtn),
    drivers.length ? h('datalist', { id: 'ts-drivers' }, drivers.map((d) => h('option', { value: d.name, text: d.label }))) : null,
    h('fieldset', null, h('legend', { i18n: 'tp.pickups' }), h('p', { class: 'hint', i18n: 'ts.pickups_hint' }), pickMsg,
      pickRows.length ? pickBody : h('p', { class: 'empty', i18n: 'ts.no_sites' })),
    h('div', { class: 'form-actions' }, save), status, errors]);

  /** The body to PUT and the control each field path names; problems found on the way. */
  const collect = () => {
    const body = { hub: hub.value.trim() };
    const at = new Map([['hub', hub], ['hub_lat', mode === 'site' ? hubSite : lat], ['hub_lng', mode === 'site' ? hubSite : lng],
      ['speed_kmh', speed], ['osrm', osrm], ['vehicles', vehMsg], ['pickups', pickMsg]]);
    const problems = [];
    const check = (path, problem) => { if (problem) problems.push([path, problem]); };
    check('hub', textId(body.hub, ID_MAX));
    if (mode === 'site') {
      const s = placed.find((x) => String(x.id) === hubSite.value);
      if (!s) check('hub_lat', { key: 'ts.err.hub_site' });
      else { body.hub_lat = s.lat; body.hub_lng = s.lng; }
    } else if (mode === 'coords') {
      body.hub_lat = Number(lat.value); body.hub_lng = Number(lng.value);
      if (lat.value === '' || lng.value === '' || !(Math.abs(body.hub_lat) <= 90) || !(Math.abs(body.hub_lng) <= 180)) check('hub_lat', { key: 'ts.err.hub_coords' });
    } else body.matrix = setup.matrix;
    if (mode !== 'matrix') {
      body.speed_kmh = Number(speed.value);
      if (!(body.speed_kmh > 0 && body.speed_kmh <= 300)) check('speed_kmh', { key: 'ts.err.speed' });
      if (osrm.value.trim()) {
        body.osrm = osrm.value.trim();
        if (!/^https?:\/\/[^\s?#]+$/.test(body.osrm) || body.osrm.length >= 512) check('osrm', { key: 'ts.err.osrm' });
      }
    }
    RULES.forEach(([k, min, max], i) => { at.set(k, rules[i]); body[k] = Number(rules[i].value); check(k, whole(rules[i].value.trim(), min, max)); });
    body.vehicles = vehRows.map((r, i) => {
      const w = `vehicles[${i}].`;
      for (const k of ['id', 'shift_start', 'shift_end', 'capacity', 'driver']) at.set(w + k, r[k]);
      const v = { id: r.id.value.trim(), shift_start: timeValue(day0, r.shift_start), shift_end: timeValue(day0, r.shift_end), capacity: Number(r.capacity.value) };
      if (r.driver.value.trim()) v.driver = r.driver.value.trim();
      check(`${w}id`, textId(v.id, ID_MAX));
      if (Number.isNaN(v.shift_start)) check(`${w}shift_start`, { key: 'ts.err.time' });
      if (Number.isNaN(v.shift_end)) check(`${w}shift_end`, { key: 'ts.err.time' });
      else if (v.shift_end <= v.shift_start) check(`${w}shift_end`, { key: 'ts.err.end_after' });
      check(`${w}capacity`, whole(r.capacity.value.trim(), 1, 100000));
      if (v.driver) check(`${w}driver`, textId(v.driver, DRIVER_MAX));
      if (v.id && vehRows.slice(0, i).some((o) => o.id.value.trim() === v.id)) check(`${w}id`, { key: 'ts.err.twice' });
      return v;
    });
    if (!vehRows.length) check('vehicles', { key: 'ts.err.no_vehicles' });
    const sent = pickRows.filter((r) => r.on.checked);
    body.pickups = sent.map((r, i) => {
      const w = `pickups[${i}].`;
      for (const k of ['first_seal', 'every_min', 'last_seal', 'boxes_per_seal']) at.set(w + k, r[k]);
      at.set(`${w}site`, r.on);
      const p = { site: r.site.id, first_seal: timeValue(day0, r.first_seal), every_min: Number(r.every_min.value), last_seal: timeValue(day0, r.last_seal), boxes_per_seal: Number(r.boxes_per_seal.value) };
      if (mode !== 'matrix' && (r.site.lat == null || r.site.lng == null)) check(`${w}site`, { key: 'ts.err.no_coords' });
      if (Number.isNaN(p.first_seal)) check(`${w}first_seal`, { key: 'ts.err.time' });
      check(`${w}every_min`, whole(r.every_min.value.trim(), 1, 1440));
      if (Number.isNaN(p.last_seal)) check(`${w}last_seal`, { key: 'ts.err.time' });
      else if (p.last_seal < p.first_seal) check(`${w}last_seal`, { key: 'ts.err.last_before' });
      check(`${w}boxes_per_seal`, whole(r.boxes_per_seal.value.trim(), 1, 100));
      return p;
    });
    if (!sent.length) check('pickups', { key: 'ts.err.no_pickups' });
    return { body, at, problems };
  };

  const resetMarks = () => {
    for (const el of form.querySelectorAll('[aria-invalid="true"]')) say(el, null);
    for (const m of [vehMsg, pickMsg]) { m.className = 'field-msg'; m.textContent = ''; }
  };
  /** Shows a problem at the control (or list) a field path names; null: no such place. */
  const mark = (at, path, problem) => {
    const el = at.get(path) || at.get(path.replace(/\[\d+\].*$/, '')) || null;
    if (el === vehMsg || el === pickMsg) {
      el.className = 'field-msg error';
      el.textContent = problem.text || t(problem.key, problem.vars);
    } else if (el) say(el, problem);
    return el;
  };
  const focusOn = (el) => { if (el && el.tagName !== 'P') el.focus(); };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    resetMarks();
    errors.replaceChildren();
    status.replaceChildren();
    const { body, at, problems } = collect();
    if (problems.length) {
      problems.forEach(([path, p]) => mark(at, path, p));
      status.append(h('span', { i18n: 'ts.fix', vars: { n: problems.length } }));
      focusOn(at.get(problems[0][0]));
      return;
    }
    save.disabled = true;
    form.setAttribute('aria-busy', 'true');
    status.append(h('span', { i18n: 'ts.saving' }));
    try {
      const saved = await api('PUT', `/rounds/${enc(round.id)}/transport`, { body, signal });
      status.replaceChildren(h('span', { i18n: 'ts.saved', vars: { vehicles: saved.vehicles.length, sites: saved.pickups.length } }));
      await onSaved(saved);
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.replaceChildren();
      const m = /^((?:vehicles|pickups)\[\d+\]\.[a-z_]+|[a-z_]+):/.exec(e.serverMessage || '');
      const el = m && (e.status === 400 || e.status === 404) ? mark(at, m[1], { text: serverFieldText(e.serverMessage) }) : null;
      if (el) {
        status.append(h('span', { i18n: 'ts.fix', vars: { n: 1 } }));
        focusOn(el);
      } else errors.replaceChildren(errorBox(e));
    } finally {
      save.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return form;
}

/** The round's sites, for the pickups (the round's area, else one's own as the sites tab does). */
export async function roundSites(round, signal) {
  try {
    return (await get('/sites', { area: round.area, limit: 200 }, { signal })).items;
  } catch (e) {
    if (e.code !== 'area_not_found') throw e;
    return (await get('/sites', { limit: 200 }, { signal })).items;
  }
}
