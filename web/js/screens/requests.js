// Resident services: requests for groceries, medicine, a doctor, counselling
// and the rest, newest first, overdue ones marked; each moves along its flow
// (open → assigned → in progress → done, or cancelled) with an assignee and feedback.
// A new request is added on its household's page (requestForm).
import { h, clear, pageHead, table, loading, toast, uid } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, patch, enc } from '../api.js';
import { localValue, fromLocal } from '../ops/common.js';
import { errorBox } from '../errors.js';
import { badge } from '../round/common.js';

export const STATUSES = ['open', 'assigned', 'in_progress', 'done', 'cancelled'];
const NEXT = { open: ['assigned', 'cancelled'], assigned: ['in_progress', 'open', 'cancelled'], in_progress: ['done', 'cancelled'] };
const TONE = { open: 'fail', assigned: 'masked', in_progress: 'run', done: 'ok', cancelled: 'ok' };

function changeForm(q, onDone) {
  const id = uid('rq');
  const status = h('select', { id: `${id}-s`, name: 'status' },
    h('option', { value: '', i18n: 'req.keep_status' }),
    NEXT[q.status].map((s) => h('option', { value: s, i18n: `req.status.${s}` })));
  const assignee = h('input', { type: 'text', id: `${id}-a`, name: 'assignee', maxlength: 64, autocomplete: 'off', value: q.assignee || '' });
  const feedback = h('input', { type: 'text', id: `${id}-f`, name: 'feedback', maxlength: 500, autocomplete: 'off' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn btn-small' }, h('span', { i18n: 'req.update' }));
  const f = (fid, key, input) => h('div', { class: 'field' }, h('label', { for: fid, i18n: key }), input);
  const form = h('form', { class: 'row-form req-form', novalidate: true, dataset: { request: q.id } },
    f(`${id}-s`, 'req.new_status', status),
    q.status === 'open' || q.status === 'assigned' ? f(`${id}-a`, 'req.assignee', assignee) : null,
    f(`${id}-f`, 'req.feedback', feedback), msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const body = {};
    if (status.value) body.status = status.value;
    if (assignee.isConnected && assignee.value.trim() && assignee.value.trim() !== (q.assignee || '')) body.assignee = assignee.value.trim();
    if (feedback.value.trim()) body.feedback = feedback.value.trim();
    if (!Object.keys(body).length) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'req.nothing' })); status.focus(); return; }
    btn.disabled = true;
    try {
      const r = await patch(`/requests/${enc(q.id)}`, body);
      toast('req.updated', { address: q.address, status: t(`req.status.${r.status}`) });
      await onDone();
    } catch (err) { msg.append(errorBox(err)); btn.disabled = false; }
  });
  return form;
}

const KINDS = ['groceries', 'medicine', 'medical', 'counselling', 'other'];

/** A new request for a household (its page): kind, for whom, what, by when, and who does it. */
export function requestForm(hh) {
  const id = uid('nr');
  const f = (fid, key, input, req) => h('div', { class: 'field' }, h('label', { for: fid, class: req ? 'req' : null, i18n: key }), input);
  const kind = h('select', { id: `${id}-k`, name: 'kind' }, KINDS.map((k) => h('option', { value: k, i18n: `req.kind.${k}` })));
  const person = h('select', { id: `${id}-p`, name: 'person' }, h('option', { value: '', i18n: 'req.whole_household' }),
    (hh.persons || []).map((p) => h('option', { value: p.id, text: p.name })));
  const description = h('input', { type: 'text', id: `${id}-d`, name: 'description', maxlength: 500, autocomplete: 'off' });
  const deadline = h('input', { type: 'datetime-local', id: `${id}-t`, name: 'deadline', value: localValue(Date.now() / 1000 + 24 * 3600) });
  const assignee = h('input', { type: 'text', id: `${id}-a`, name: 'assignee', maxlength: 64, autocomplete: 'off' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'req.create' });
  const form = h('form', { class: 'form', novalidate: true, id: 'req-create' },
    h('div', { class: 'row' }, f(`${id}-k`, 'req.kind', kind, true), f(`${id}-p`, 'req.for', person)),
    f(`${id}-d`, 'req.description', description),
    h('div', { class: 'row' }, f(`${id}-t`, 'req.deadline', deadline, true), f(`${id}-a`, 'req.assignee', assignee)),
    msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const due = fromLocal(deadline.value);
    if (!Number.isFinite(due)) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'req.deadline_required' })); deadline.focus(); return; }
    const body = { household: hh.id, kind: kind.value, deadline: due };
    if (person.value) body.person = Number(person.value);
    if (description.value.trim()) body.description = description.value.trim();
    if (assignee.value.trim()) body.assignee = assignee.value.trim();
    btn.disabled = true;
    try {
      const r = await post('/requests', body);
      toast('req.created', { address: r.address, status: t(`req.status.${r.status}`) });
      description.value = ''; assignee.value = '';
    } catch (err) { msg.append(errorBox(err)); } finally { btn.disabled = false; }
  });
  return h('section', { class: 'card', 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h`, i18n: 'req.new' }), h('p', { class: 'muted', i18n: 'req.new_hint' }), form);
}

export default {
  title: 'req.title',
  async render(main, ctx) {
    const status = h('select', { id: 'req-status', name: 'status' },
      h('option', { value: '', i18n: 'req.all' }), STATUSES.map((s) => h('option', { value: s, i18n: `req.status.${s}` })));
    const overdue = h('input', { type: 'checkbox', id: 'req-overdue', name: 'overdue' });
    const card = h('section', { class: 'card', id: 'requests', 'aria-labelledby': 'req-h' },
      h('h2', { id: 'req-h', i18n: 'req.list' }),
      h('div', { class: 'row' },
        h('div', { class: 'field' }, h('label', { for: 'req-status', i18n: 'req.show' }), status),
        h('div', { class: 'field check' }, overdue, h('label', { for: 'req-overdue', i18n: 'req.only_overdue' }))));
    const body = h('div', { 'aria-live': 'polite' });
    card.append(body);
    main.append(pageHead('req.title'), card);
    const load = async () => {
      clear(body).append(loading());
      const r = await get('/requests', { status: status.value || null, overdue: overdue.checked ? 1 : null, limit: 200 }, { signal: ctx.signal });
      clear(body);
      if (!r.items.length) { body.append(h('p', { class: 'empty', i18n: 'req.none' }), h('p', { class: 'muted', i18n: 'req.where_new' })); return; }
      body.append(table([
        { key: 'req.kind', cell: (q) => h('strong', { i18n: `req.kind.${q.kind}` }) },
        { key: 'req.address', cell: (q) => h('a', { href: `#/households/${q.household}`, text: q.address }) },
        { key: 'req.description', cell: (q) => q.description || '' },
        { key: 'common.status', cell: (q) => h('span', null, badge(`req.status.${q.status}`, TONE[q.status] || 'ok'),
          q.overdue ? [' ', badge('req.overdue', 'fail')] : null) },
        { key: 'req.assignee', cell: (q) => q.assignee || '' },
        { key: 'req.deadline', cell: (q) => fmtTime(q.deadline) },
        { key: 'req.feedback', cell: (q) => q.feedback || '' },
        { key: 'common.actions', cell: (q) => (NEXT[q.status] ? changeForm(q, load) : null) },
      ], r.items, { caption: 'req.list' }));
    };
    const reload = () => load().catch((e) => clear(body).append(errorBox(e)));
    status.addEventListener('change', reload);
    overdue.addEventListener('change', reload);
    await load();
  },
};
