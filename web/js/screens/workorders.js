// Work orders from the city platform (gongdan): the list with its filters (status,
// overdue, mine), the triage queue officers route from, and one order with its full
// history, the messages sent about it, and the handler's next step with written
// feedback (accept, start, done, return).
import { h, clear, replace, pageHead, table, loading, toast, uid, append } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { state } from '../state.js';
import { badge } from '../round/common.js';

export const STATUSES = ['new', 'accepted', 'in_progress', 'done', 'returned'];
const NEXT = { new: ['accepted', 'returned'], accepted: ['in_progress', 'returned'], in_progress: ['done', 'returned'] };
const TONE = { new: 'fail', accepted: 'masked', in_progress: 'run', done: 'ok', returned: 'ok' };
const NEEDS_FEEDBACK = ['done', 'returned'];

const canRoute = () => ['admin', 'officer'].includes(state.user?.role);

export function statusCell(o) {
  return h('span', null, badge(`wo.status.${o.status}`, TONE[o.status] || 'ok'), o.overdue ? [' ', badge('wo.overdue', 'fail')] : null);
}

function subjectText(s) { return [s.name, s.address].filter(Boolean).join(' · '); }

function field(id, key, input, hint) {
  return h('div', { class: 'field' }, h('label', { for: id, i18n: key }), input, hint || null);
}

/* The triage queue: each order gets a workstation (and, optionally, a handler). */
function routeForm(o, onDone) {
  const id = uid('wo-r');
  const area = h('input', { id: `${id}-a`, name: 'area', maxlength: 64, autocomplete: 'off', required: true });
  const user = h('input', { id: `${id}-u`, name: 'user', maxlength: 32, autocomplete: 'off' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn btn-small', i18n: 'wo.route' });
  const form = h('form', { class: 'row-form', novalidate: true, dataset: { order: o.id } },
    field(`${id}-a`, 'wo.route_area', area), field(`${id}-u`, 'wo.route_user', user), msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    if (!area.value.trim()) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'wo.route_needs_area' })); area.focus(); return; }
    btn.disabled = true;
    try {
      const body = { area: area.value.trim() };
      if (user.value.trim()) body.user = user.value.trim();
      await post(`/work-orders/${enc(o.id)}/assign`, body);
      toast('wo.routed', { ext: o.external_id, area: body.area });
      await onDone();
    } catch (err) { msg.append(errorBox(err)); btn.disabled = false; }
  });
  return form;
}

const COLUMNS = [
  { key: 'wo.external_id', cell: (o) => h('a', { href: `#/workorders/${o.id}`, text: o.external_id }) },
  { key: 'wo.title_col', cell: (o) => h('strong', { text: o.title }) },
  { key: 'wo.subject', cell: (o) => subjectText(o.subject) },
  { key: 'common.status', cell: statusCell },
  { key: 'wo.deadline', cell: (o) => fmtTime(o.deadline) },
  { key: 'wo.area', cell: (o) => o.area || h('span', { class: 'muted', i18n: 'wo.in_triage' }) },
  { key: 'wo.assignee', cell: (o) => o.assignee || '' },
];

async function listView(main, ctx) {
  const status = h('select', { id: 'wo-status', name: 'status' },
    h('option', { value: '', i18n: 'wo.all' }), STATUSES.map((s) => h('option', { value: s, i18n: `wo.status.${s}` })));
  const overdue = h('input', { type: 'checkbox', id: 'wo-overdue', name: 'overdue' });
  const mine = h('input', { type: 'checkbox', id: 'wo-mine', name: 'mine' });
  const body = h('div', { 'aria-live': 'polite' });
  const list = h('section', { class: 'card', id: 'wo-list', 'aria-labelledby': 'wo-list-h' },
    h('h2', { id: 'wo-list-h', i18n: 'wo.list' }),
    h('div', { class: 'row' },
      field('wo-status', 'wo.show', status),
      h('div', { class: 'field check' }, overdue, h('label', { for: 'wo-overdue', i18n: 'wo.only_overdue' })),
      h('div', { class: 'field check' }, mine, h('label', { for: 'wo-mine', i18n: 'wo.only_mine' }))),
    body);
  const triageBody = h('div', { 'aria-live': 'polite' });
  const triage = canRoute() ? h('section', { class: 'card', id: 'wo-triage', 'aria-labelledby': 'wo-triage-h' },
    h('h2', { id: 'wo-triage-h', i18n: 'wo.triage' }), h('p', { class: 'hint', i18n: 'wo.triage_hint' }), triageBody) : null;
  append(main, [pageHead('wo.title'), triage, list]); // triage is null for staff
  const loadList = async () => {
    clear(body).append(loading());
    const r = await get('/work-orders', {
      status: status.value || null, overdue: overdue.checked ? 1 : null, mine: mine.checked ? 1 : null, limit: 200,
    }, { signal: ctx.signal });
    clear(body);
    if (!r.items.length) { body.append(h('p', { class: 'empty', i18n: 'wo.none' })); return; }
    body.append(table(COLUMNS, r.items, { caption: 'wo.list' }));
  };
  const loadTriage = async () => {
    if (!triage) return;
    clear(triageBody).append(loading());
    const r = await get('/work-orders', { triage: 1, limit: 200 }, { signal: ctx.signal });
    clear(triageBody);
    const open = r.items.filter((o) => NEXT[o.status]);
    if (!open.length) { triageBody.append(h('p', { class: 'empty', i18n: 'wo.triage_empty' })); return; }
    triageBody.append(table([...COLUMNS.slice(0, 5), { key: 'common.actions', cell: (o) => routeForm(o, reloadAll) }], open,
      { caption: 'wo.triage' }));
  };
  const reloadAll = () => Promise.all([loadTriage(), loadList()]).catch((e) => clear(body).append(errorBox(e)));
  for (const c of [status, overdue, mine]) c.addEventListener('change', () => loadList().catch((e) => clear(body).append(errorBox(e))));
  await Promise.all([loadTriage(), loadList()]);
}

/* The handler's next step: one button per allowed status, feedback written beside. */
function stepForm(o, onDone) {
  const fb = h('textarea', { id: 'wo-feedback', name: 'feedback', maxlength: 500, rows: 3 });
  const msg = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: 'form', id: 'wo-step', novalidate: true },
    field('wo-feedback', 'wo.feedback', fb, h('p', { class: 'hint', i18n: 'wo.feedback_hint' })), msg,
    h('div', { class: 'actions' }, NEXT[o.status].map((s) => h('button', {
      type: 'submit', class: s === 'returned' ? 'btn' : 'btn btn-primary', value: s, dataset: { to: s }, i18n: `wo.do.${s}`,
    }))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const to = e.submitter?.value;
    const text = fb.value.trim();
    if (NEEDS_FEEDBACK.includes(to) && !text) {
      msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: `wo.feedback_needed.${to}` }));
      fb.focus();
      return;
    }
    for (const b of form.querySelectorAll('button')) b.disabled = true;
    try {
      const r = await post(`/work-orders/${enc(o.id)}/status`, text ? { status: to, feedback: text } : { status: to });
      toast('wo.moved', { ext: o.external_id, status: t(`wo.status.${r.status}`) });
      await onDone();
    } catch (err) {
      msg.append(errorBox(err));
      for (const b of form.querySelectorAll('button')) b.disabled = false;
    }
  });
  return form;
}

function assignForm(o, onDone) {
  const user = h('input', { id: 'wo-assign-user', name: 'user', maxlength: 32, autocomplete: 'off', value: o.assignee || '' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: 'row-form', id: 'wo-assign', novalidate: true },
    field('wo-assign-user', 'wo.route_user', user), msg, h('button', { type: 'submit', class: 'btn btn-small', i18n: 'wo.assign' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    if (!user.value.trim()) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'wo.assign_needs_user' })); user.focus(); return; }
    try {
      await post(`/work-orders/${enc(o.id)}/assign`, { user: user.value.trim() });
      toast('wo.assigned', { ext: o.external_id, user: user.value.trim() });
      await onDone();
    } catch (err) { msg.append(errorBox(err)); }
  });
  return form;
}

async function detailView(main, ctx) {
  const body = h('div');
  main.append(body);
  const load = async () => {
    const o = await get(`/work-orders/${enc(ctx.params.id)}`, null, { signal: ctx.signal });
    const fact = (key, value) => [h('dt', { i18n: key }), h('dd', null, value)];
    replace(body,
      pageHead('wo.detail_title', { ext: o.external_id }),
      h('section', { class: 'card', id: 'wo-facts', 'aria-labelledby': 'wo-facts-h' },
        h('h2', { id: 'wo-facts-h', text: o.title }),
        h('dl', { class: 'facts' },
          fact('common.status', statusCell(o)),
          fact('wo.kind', o.kind || ''),
          fact('wo.subject', subjectText(o.subject) || '—'),
          fact('wo.deadline', fmtTime(o.deadline)),
          fact('wo.area', o.area || h('span', { i18n: 'wo.in_triage' })),
          fact('wo.assignee', o.assignee || '—'),
          fact('wo.body', o.body || '—'),
          fact('wo.feedback', o.feedback || '—'))),
      NEXT[o.status] ? h('section', { class: 'card', 'aria-labelledby': 'wo-step-h' },
        h('h2', { id: 'wo-step-h', i18n: 'wo.next_step' }),
        canRoute() && o.area ? assignForm(o, load) : null,
        stepForm(o, load)) : null,
      h('section', { class: 'card', id: 'wo-history', 'aria-labelledby': 'wo-history-h' },
        h('h2', { id: 'wo-history-h', i18n: 'wo.history' }),
        table([
          { key: 'wo.at', cell: (ev) => fmtTime(ev.at) },
          { key: 'wo.actor', cell: (ev) => ev.actor },
          { key: 'wo.action', cell: (ev) => h('span', { i18n: `wo.action.${ev.action}` }) },
          { key: 'common.status', cell: (ev) => h('span', { i18n: `wo.status.${ev.status}` }) },
          { key: 'wo.detail', cell: (ev) => ev.detail },
        ], o.history, { caption: 'wo.history' })),
      o.messages && o.messages.length ? h('section', { class: 'card', id: 'wo-messages', 'aria-labelledby': 'wo-msg-h' },
        h('h2', { id: 'wo-msg-h', i18n: 'wo.messages' }),
        table([
          { key: 'wo.msg_kind', cell: (m) => h('span', { i18n: `wo.msg.${m.kind}` }) },
          { key: 'wo.channel', cell: (m) => m.channel_name },
          { key: 'common.status', cell: (m) => badge(`wo.msg_status.${m.status}`, m.status === 'sent' ? 'ok' : m.status === 'failed' ? 'fail' : 'masked') },
          { key: 'wo.attempts', cell: (m) => String(m.attempts), num: true },
          { key: 'wo.sent_at', cell: (m) => (m.sent_at ? fmtTime(m.sent_at) : m.last_error || '') },
        ], o.messages, { caption: 'wo.messages' })) : null);
  };
  await load();
}

export default {
  title: 'wo.title',
  async render(main, ctx) {
    if (ctx.params.id) await detailView(main, ctx);
    else await listView(main, ctx);
  },
};
