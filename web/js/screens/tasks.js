// "My tasks", a volunteer's home on a phone: the service requests assigned to
// them (start one, close it with feedback), the sweep campaigns their team is
// on with the way to the door-to-door page /sweep/, and their next shifts.
// Each part says what to do when it is empty.
import { h, clear, pageHead, loading, toast, uid } from '../dom.js';
import { t, fmtTime, fmtHM, fmtNum } from '../i18n.js';
import { get, patch, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { badge } from '../round/common.js';
import { fmtDate } from '../ops/common.js';

const OPEN = ['assigned', 'in_progress'];

function section(id, titleKey, ...children) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h`, i18n: titleKey }), children);
}

/** One request: what, where, by when; "start" when assigned, feedback + "done" when under way. */
function requestCard(q, reload) {
  const id = uid('tq');
  const msg = h('div', { 'aria-live': 'assertive' });
  const send = async (body, btn) => {
    clear(msg);
    btn.disabled = true;
    try {
      const r = await patch(`/requests/${enc(q.id)}`, body);
      toast('req.updated', { address: q.address, status: t(`req.status.${r.status}`) });
      await reload();
    } catch (err) { msg.append(errorBox(err)); btn.disabled = false; }
  };
  let action = null;
  if (q.status === 'assigned') {
    const btn = h('button', { type: 'button', class: 'btn btn-primary', i18n: 'tasks.start' });
    btn.addEventListener('click', () => send({ status: 'in_progress' }, btn));
    action = btn;
  } else if (q.status === 'in_progress') {
    const feedback = h('input', { type: 'text', id: `${id}-f`, name: 'feedback', maxlength: 500, autocomplete: 'off' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'tasks.done' });
    action = h('form', { class: 'form', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: `${id}-f`, class: 'req', i18n: 'tasks.feedback' }), feedback), btn);
    action.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!feedback.value.trim()) {
        clear(msg).append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'tasks.feedback_required' }));
        feedback.focus();
        return;
      }
      send({ status: 'done', feedback: feedback.value.trim() }, btn);
    });
  }
  return h('li', { class: 'item task-card', dataset: { request: q.id } },
    h('h3', null, h('span', { i18n: `req.kind.${q.kind}` }), ' ',
      badge(`req.status.${q.status}`, q.status === 'in_progress' ? 'run' : 'masked'),
      q.overdue ? badge('req.overdue', 'fail') : null),
    h('p', { text: q.address }),
    q.description ? h('p', { class: 'muted', text: q.description }) : null,
    h('p', null, h('span', { i18n: 'req.deadline' }), ' ', h('span', { text: fmtTime(q.deadline) })),
    msg, action);
}

async function requests(box, signal) {
  const load = async () => {
    const r = await get('/requests', { limit: 200 }, { signal });
    const mine = r.items.filter((q) => OPEN.includes(q.status));
    clear(box);
    if (!mine.length) { box.append(h('p', { class: 'empty', i18n: 'tasks.no_requests' })); return; }
    box.append(h('ul', { class: 'cards' }, mine.map((q) => requestCard(q, load))));
  };
  await load();
}

async function sweeps(box, signal) {
  const r = await get('/sweeps', null, { signal });
  clear(box);
  if (!r.items.length) { box.append(h('p', { class: 'empty', i18n: 'tasks.no_sweeps' })); return; }
  box.append(h('ul', { class: 'cards' }, r.items.map((k) => h('li', { class: 'item', dataset: { sweep: k.id } },
    h('h3', { text: k.name }),
    h('p', { i18n: 'tasks.sweep_progress', vars: { done: fmtNum(k.progress.done), n: fmtNum(k.progress.households), left: fmtNum(k.progress.remaining) } })))),
  h('a', { class: 'btn btn-primary', href: '/sweep/', id: 'tasks-open-sweep', i18n: 'tasks.open_sweep' }));
}

async function shifts(box, signal) {
  const r = await get('/my/shifts', null, { signal });
  clear(box);
  const next = r.items.sort((a, b) => a.start - b.start).slice(0, 3);
  if (!next.length) box.append(h('p', { class: 'empty', i18n: 'tasks.no_shifts' }));
  else {
    box.append(h('ul', { class: 'plain' }, next.map((s) => h('li', { dataset: { shift: s.id } },
      h('span', { text: `${fmtDate(s.start)} ${fmtHM(s.start)}–${fmtHM(s.end)} ` }), h('strong', { text: s.post_name })))));
  }
  box.append(h('a', { class: 'btn btn-secondary', href: '#/my-shifts', i18n: 'tasks.all_shifts' }));
}

export default {
  title: 'tasks.title',
  async render(main, ctx) {
    const parts = [['tasks-requests', 'tasks.requests', requests], ['tasks-sweeps', 'tasks.sweeps', sweeps], ['tasks-shifts', 'tasks.shifts', shifts]];
    main.append(pageHead('tasks.title'), h('p', { class: 'muted', i18n: 'tasks.intro' }));
    await Promise.all(parts.map(async ([id, key, fill]) => {
      const box = h('div', { 'aria-live': 'polite' }, loading());
      main.append(section(id, key, box));
      try { await fill(box, ctx.signal); } catch (e) { if (e.name !== 'AbortError') clear(box).append(errorBox(e)); }
    }));
  },
};
