// The sampling sites of the round's area: each with its status (open, paused,
// closed), tables, hours, queue and the status the public sees; officers add
// sites and change their status; staff report the queue.
import { h, clear, table, toast } from '../dom.js';
import { t, fmtNum } from '../i18n.js';
import { get, post, patch } from '../api.js';
import { errorBox } from '../errors.js';
import { halfWidth } from '../validate.js';
import { openPicker } from '../area-picker.js';
import { area as getArea } from '../areas.js';
import { canRunRounds, badge } from './common.js';

const STATUSES = ['open', 'paused', 'closed'];
const PUBLIC_TONE = { clear: 'ok', busy: 'masked', congested: 'fail', resting: 'run' };
const hhmm = (min) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
const minutes = (v) => { const m = /^(\d\d):(\d\d)$/.exec(v || ''); return m ? Number(m[1]) * 60 + Number(m[2]) : null; };

function siteForm(round, onSaved) {
  let where = null;
  getArea(round.area).then((a) => { where = where || a; whereName.textContent = where.name; }).catch(() => {});
  const whereName = h('strong', { text: round.area });
  const name = h('input', { type: 'text', id: 'sf-name', maxlength: 100, autocomplete: 'off', 'aria-required': 'true' });
  const tables = h('input', { type: 'number', id: 'sf-tables', min: 1, max: 200, value: 2, inputmode: 'numeric' });
  const opens = h('input', { type: 'time', id: 'sf-opens', value: '07:00' });
  const closes = h('input', { type: 'time', id: 'sf-closes', value: '21:00' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const save = h('button', { type: 'submit', class: 'btn', i18n: 'site.create' });
  const change = h('button', { type: 'button', class: 'btn btn-secondary btn-small', i18n: 'area.change',
    onclick: () => openPicker((a) => { where = a; whereName.textContent = a.name; change.focus(); }) });
  const f = (id, key, input, req) => h('div', { class: 'field' }, h('label', { for: id, class: req ? 'req' : null, i18n: key }), input);
  const form = h('form', { class: 'card', id: 'site-form', novalidate: true, 'aria-labelledby': 'sf-h' },
    h('h2', { id: 'sf-h', i18n: 'site.new' }),
    h('div', { class: 'field' }, h('span', { class: 'label', i18n: 'site.area' }), h('div', { class: 'row' }, whereName, change)),
    h('div', { class: 'form-grid' }, f('sf-name', 'site.name', name, true), f('sf-tables', 'site.tables', tables),
      f('sf-opens', 'site.opens', opens), f('sf-closes', 'site.closes', closes)),
    msg, h('div', { class: 'form-actions' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    if (!halfWidth(name.value)) {
      msg.append(h('div', { class: 'alert alert-error', role: 'alert' }, h('p', { class: 'what', i18n: 'site.name_required' })));
      name.focus();
      return;
    }
    const body = { name: halfWidth(name.value), area: where ? where.code : round.area, tables: Number(tables.value) || 1 };
    if (minutes(opens.value) != null) body.opens = minutes(opens.value);
    if (minutes(closes.value) != null) body.closes = minutes(closes.value);
    save.disabled = true;
    try {
      const s = await post('/sites', body);
      toast('site.created', { name: s.name });
      name.value = '';
      await onSaved();
    } catch (err) { msg.append(errorBox(err)); } finally { save.disabled = false; }
  });
  return form;
}

export default async function sites(el, round, ctx) {
  const runs = canRunRounds();
  const card = h('section', { class: 'card', 'aria-labelledby': 'sites-h', id: 'sites' }, h('h2', { id: 'sites-h', i18n: 'site.list' }));
  const body = h('div', { 'aria-live': 'polite' });
  card.append(body);
  const load = async () => {
    // the round's area, or one's own when the round's reaches above it (staff of a workstation)
    let r;
    try {
      r = await get('/sites', { area: round.area, limit: 200 }, { signal: ctx.signal });
    } catch (e) {
      if (e.code !== 'area_not_found') throw e;
      r = await get('/sites', { limit: 200 }, { signal: ctx.signal });
    }
    clear(body);
    if (!r.items.length) { body.append(h('p', { class: 'empty', i18n: 'site.none' })); return; }
    body.append(table([
      { key: 'site.name', cell: (s) => h('strong', { text: s.name }) },
      { key: 'common.area', cell: (s) => s.area },
      { key: 'site.tables', num: true, cell: (s) => fmtNum(s.tables) },
      { key: 'site.hours', cell: (s) => `${hhmm(s.opens)}–${hhmm(s.closes)}` },
      { key: 'common.status', cell: (s) => {
        if (!runs) return badge(`site.status.${s.status}`, 'run');
        const id = `site-${s.id}-status`;
        const sel = h('select', { id, dataset: { site: s.id } }, STATUSES.map((v) => h('option', { value: v, selected: v === s.status, i18n: `site.status.${v}` })));
        sel.addEventListener('change', async () => {
          sel.disabled = true;
          try { await patch(`/sites/${s.id}`, { status: sel.value }); toast('site.status_saved', { name: s.name, status: t(`site.status.${sel.value}`) }); await load(); } catch (err) { body.prepend(errorBox(err)); sel.disabled = false; }
        });
        return h('span', null, h('label', { for: id, class: 'sr-only', i18n: 'site.status_of', vars: { name: s.name } }), sel);
      } },
      { key: 'site.public', cell: (s) => h('span', null, badge(`site.public.${s.public_status}`, PUBLIC_TONE[s.public_status] || 'run'),
        s.public_status !== 'resting' ? h('span', { class: 'small', i18n: 'site.wait', vars: { n: s.wait_min } }) : null) },
      { key: 'site.queue', cell: (s) => {
        const id = `site-${s.id}-queue`;
        const input = h('input', { type: 'number', id, min: 0, max: 100000, value: s.queue, inputmode: 'numeric', class: 'narrow' });
        const btn = h('button', { type: 'submit', class: 'btn btn-secondary btn-small', i18n: 'site.report' });
        const form = h('form', { class: 'row', novalidate: true },
          h('label', { for: id, class: 'sr-only', i18n: 'site.queue_of', vars: { name: s.name } }), input, btn);
        form.addEventListener('submit', async (e) => {
          e.preventDefault();
          btn.disabled = true;
          try { await post(`/sites/${s.id}/queue`, { length: Number(input.value) || 0 }); toast('site.queue_saved', { name: s.name }); await load(); } catch (err) { body.prepend(errorBox(err)); btn.disabled = false; }
        });
        return form;
      } },
    ], r.items, { caption: 'site.list' }));
  };
  if (runs) el.append(siteForm(round, load));
  el.append(card);
  await load();
}
