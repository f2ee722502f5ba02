// Testing rounds: the list (newest first) and, for officers, the form that
// opens a new round: name, areas, start, deadline and pool sizes by risk level.
import { h, clear, pageHead, table, loading, toast } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post } from '../api.js';
import { errorBox, errorField, fieldErrorText } from '../errors.js';
import { state } from '../state.js';
import { openPicker } from '../area-picker.js';
import { go } from '../app.js';
import { canRunRounds, roundBadge, POOL_SIZES, POOL_DEFAULTS, RISKS } from '../round/common.js';
import { halfWidth } from '../validate.js';

/** A datetime-local value for an epoch (the browser's clock and zone). */
function localValue(epoch) {
  const d = new Date(epoch * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function createForm() {
  const now = Math.floor(Date.now() / 1000 / 60) * 60;
  const areas = state.area ? [state.area] : [];
  const field = (id, key, input, hint) => h('div', { class: 'field' },
    h('label', { for: id, class: 'req', i18n: key }), input,
    hint ? h('span', { class: 'hint', id: `${id}-hint`, i18n: hint }) : null,
    h('span', { class: 'field-msg', id: `${id}-msg`, 'aria-live': 'polite' }));
  const name = h('input', { type: 'text', id: 'rf-name', name: 'name', maxlength: 100, autocomplete: 'off', 'aria-required': 'true', 'aria-describedby': 'rf-name-msg' });
  const start = h('input', { type: 'datetime-local', id: 'rf-start', name: 'start', value: localValue(now), 'aria-describedby': 'rf-start-msg' });
  const deadline = h('input', { type: 'datetime-local', id: 'rf-deadline', name: 'deadline', value: localValue(now + 24 * 3600), 'aria-describedby': 'rf-deadline-hint rf-deadline-msg' });
  const chips = h('ul', { class: 'chips', id: 'rf-areas', 'aria-live': 'polite' });
  const drawChips = () => {
    clear(chips);
    if (!areas.length) chips.append(h('li', { class: 'muted', i18n: 'round.no_areas' }));
    areas.forEach((a, i) => chips.append(h('li', { class: 'chip' }, h('span', { text: a.name }),
      h('button', { type: 'button', class: 'btn btn-quiet btn-small', onclick: () => { areas.splice(i, 1); drawChips(); } },
        h('span', { i18n: 'action.remove' }), h('span', { class: 'sr-only', text: ` ${a.name}` })))));
  };
  drawChips();
  const addArea = h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'rf-add-area', i18n: 'round.add_area',
    onclick: () => openPicker((a) => { if (!areas.some((x) => x.code === a.code)) areas.push(a); drawChips(); addArea.focus(); }) });
  const pools = {};
  const poolBox = h('fieldset', null, h('legend', { i18n: 'round.pool_legend' }),
    h('p', { class: 'hint', i18n: 'round.pool_hint' }),
    h('div', { class: 'form-grid' }, RISKS.map((k) => {
      const id = `rf-pool-${k}`;
      pools[k] = h('select', { id, name: `pool_${k}` }, POOL_SIZES.map((n) => h('option', { value: n, selected: n === POOL_DEFAULTS[k], i18n: n === 1 ? 'round.pool_single' : 'round.pool_n', vars: { n } })));
      return h('div', { class: 'field' }, h('label', { for: id, i18n: `risk.${k}` }), pools[k]);
    })));
  const summary = h('div', { 'aria-live': 'assertive' });
  const save = h('button', { type: 'submit', class: 'btn', i18n: 'round.create' });
  const form = h('form', { class: 'card', id: 'round-form', novalidate: true, 'aria-labelledby': 'rf-h' },
    h('h2', { id: 'rf-h', i18n: 'round.new' }), summary,
    h('div', { class: 'form-grid' }, field('rf-name', 'round.name', name),
      field('rf-start', 'round.start', start), field('rf-deadline', 'round.deadline', deadline, 'round.deadline_hint')),
    h('div', { class: 'field' }, h('span', { class: 'label req', id: 'rf-areas-l', i18n: 'round.areas' }), chips, h('div', null, addArea)),
    poolBox,
    h('div', { class: 'form-actions' }, save));
  const msg = (id, key) => {
    const m = document.getElementById(`${id}-msg`);
    m.className = `field-msg${key ? ' error' : ''}`;
    m.textContent = key ? t(key) : '';
    document.getElementById(id).setAttribute('aria-invalid', key ? 'true' : 'false');
    return !key;
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(summary);
    const s = Date.parse(start.value) / 1000; const d = Date.parse(deadline.value) / 1000;
    const ok = [msg('rf-name', halfWidth(name.value) ? null : 'validate.required'),
      msg('rf-start', Number.isFinite(s) ? null : 'validate.required'),
      msg('rf-deadline', !Number.isFinite(d) ? 'validate.required' : (d <= s ? 'round.deadline_after' : null))];
    if (!areas.length) summary.append(h('div', { class: 'alert alert-error', role: 'alert' }, h('p', { class: 'what', i18n: 'round.areas_required' })));
    if (ok.includes(false) || !areas.length) { (ok[0] ? (ok[1] ? (ok[2] ? addArea : deadline) : start) : name).focus(); return; }
    const body = { name: halfWidth(name.value), areas: areas.map((a) => a.code), start: s, deadline: d };
    for (const k of RISKS) body[`pool_${k}`] = Number(pools[k].value);
    save.disabled = true;
    try {
      const r = await post('/rounds', body);
      toast('round.created', { name: r.name });
      go(`/rounds/${r.id}`);
    } catch (err) {
      const f = errorField(err);
      if (f === 'name' || f === 'start' || f === 'deadline') {
        const m = document.getElementById(`rf-${f}-msg`);
        m.className = 'field-msg error'; m.textContent = fieldErrorText(err);
      } else summary.append(errorBox(err));
    } finally { save.disabled = false; }
  });
  return form;
}

export default {
  title: 'rounds.title',
  async render(main, ctx) {
    const runs = canRunRounds();
    main.append(pageHead('rounds.title', null, runs ? h('a', { class: 'btn', href: '#/rounds?new=1', i18n: 'round.new' }) : null));
    if (runs && ctx.query.get('new')) {
      const f = createForm();
      main.append(f);
      f.querySelector('#rf-name').focus();
    }
    const out = h('section', { class: 'card', 'aria-labelledby': 'rounds-h', id: 'rounds-list' }, h('h2', { id: 'rounds-h', i18n: 'rounds.list' }), loading());
    main.append(out);
    const r = await get('/rounds', { limit: 50 }, { signal: ctx.signal });
    out.lastChild.remove();
    if (!r.items.length) { out.append(h('p', { class: 'empty', i18n: 'rounds.none' })); return; }
    out.append(table([
      { key: 'round.name', cell: (x) => h('a', { href: `#/rounds/${x.id}`, text: x.name }) },
      { key: 'common.status', cell: (x) => roundBadge(x.status) },
      { key: 'round.areas', cell: (x) => x.areas.join(', ') },
      { key: 'round.start', cell: (x) => fmtTime(x.start) },
      { key: 'round.deadline', cell: (x) => fmtTime(x.deadline) },
    ], r.items, { caption: 'rounds.list' }));
  },
};
