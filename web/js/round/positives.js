// Positive pools: each with its members, the trace (members → households →
// other residents of their buildings), and the officer's one confirming action,
// asked in a dialog that says what it will do. Then the recall list.
import { h, clear, table, uid, toast } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { idCell } from '../person-view.js';
import { canRunRounds, badge } from './common.js';
import { halfWidth } from '../validate.js';

const TONE = { pending: 'fail', confirmed: 'ok', withdrawn: 'masked' };

function traceView(tr) {
  const members = table([
    { key: 'person.name', cell: (p) => h('a', { href: `#/persons/${p.id}`, text: p.name }) },
    { key: 'person.id_number', cell: (p) => idCell(p) },
    { key: 'household.address', cell: (p) => p.address || '' },
    { key: 'trace.recall', cell: (p) => (p.recall ? t(p.recall.done ? 'trace.recall_done' : 'trace.recall_open') : '') },
    { key: 'trace.control', cell: (p) => (p.control ? t(`trace.control.${p.control}`) : '') },
  ], tr.members, { caption: 'trace.members' });
  const households = tr.households.map((hh) => h('li', null,
    h('strong', { text: hh.address }), ' ',
    h('span', { class: 'muted', i18n: 'trace.residents', vars: { n: hh.residents.length } }),
    h('span', { text: `: ${hh.residents.map((p) => p.name).join(t('round.list_sep'))}` })));
  const buildings = tr.buildings.map((b) => h('li', null,
    h('strong', { text: b.name }), ' ',
    h('span', { class: 'muted', i18n: 'trace.building_line', vars: { total: b.residents_total, other: b.other_residents.length } })));
  return h('div', { class: 'trace stack' },
    h('h4', { i18n: 'trace.members' }), members,
    h('h4', { i18n: 'trace.households' }), h('ul', null, households),
    h('h4', { i18n: 'trace.buildings' }), h('ul', null, buildings),
    tr.other_residents_cut ? h('p', { class: 'muted small', i18n: 'trace.cut' }) : null);
}

/** The confirm dialog: what will happen, an optional note, confirm or cancel. Resolves true when done. */
function confirmDialog(pool, tr, opener) {
  return new Promise((resolve) => {
    const titleId = uid('cf-h');
    const noteId = uid('cf-note');
    const note = h('textarea', { id: noteId, rows: 2, maxlength: 100 });
    const msg = h('div', { 'aria-live': 'assertive' });
    const ok = h('button', { type: 'button', class: 'btn btn-danger', id: 'confirm-yes', i18n: 'positive.confirm_do' });
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary', i18n: 'action.cancel' });
    const dlg = h('dialog', { class: 'picker confirm', 'aria-labelledby': titleId, id: 'confirm-dialog' },
      h('div', { class: 'picker-head' }, h('h2', { id: titleId, i18n: 'positive.confirm_title', vars: { tube: pool.tube } })),
      h('div', { class: 'picker-body stack' },
        h('p', { i18n: 'positive.confirm_what', vars: { n: tr.members.length, households: tr.households.length, buildings: tr.buildings.length } }),
        h('ul', null, h('li', { i18n: 'positive.confirm_step1' }), h('li', { i18n: 'positive.confirm_step2' }), h('li', { i18n: 'positive.confirm_step3' })),
        h('p', { class: 'alert alert-warn', i18n: 'positive.confirm_once' }),
        h('div', { class: 'field' }, h('label', { for: noteId, i18n: 'positive.note' }), note),
        msg, h('div', { class: 'form-actions' }, ok, cancel)));
    const close = (v) => { dlg.close(); dlg.remove(); if (opener && opener.isConnected) opener.focus(); resolve(v); };
    cancel.addEventListener('click', () => close(false));
    dlg.addEventListener('cancel', (e) => { e.preventDefault(); close(false); });
    ok.addEventListener('click', async () => {
      ok.disabled = true; cancel.disabled = true;
      clear(msg);
      try {
        const body = halfWidth(note.value) ? { note: halfWidth(note.value) } : {};
        await post(`/tubes/${enc(pool.tube)}/confirm`, body);
        close(true);
      } catch (err) { msg.append(errorBox(err)); ok.disabled = false; cancel.disabled = false; }
    });
    document.body.append(dlg);
    dlg.showModal();
    cancel.focus();
  });
}

export default async function positives(el, round, ctx) {
  const card = h('section', { class: 'card', 'aria-labelledby': 'pos-h', id: 'positives' }, h('h2', { id: 'pos-h', i18n: 'positive.title' }));
  const recalls = h('section', { class: 'card', 'aria-labelledby': 'rec-h', id: 'recalls' }, h('h2', { id: 'rec-h', i18n: 'recall.title' }));
  el.append(card, recalls);
  const body = h('div');
  card.append(body);
  const recallBody = h('div');
  recalls.append(h('p', { class: 'muted', i18n: 'recall.hint' }), recallBody);

  const loadRecalls = async () => {
    const r = await get(`/rounds/${round.id}/recalls`, { limit: 500 }, { signal: ctx.signal });
    clear(recallBody);
    if (!r.items.length) { recallBody.append(h('p', { class: 'empty', i18n: 'recall.none' })); return; }
    recallBody.append(table([
      { key: 'person.name', cell: (x) => h('a', { href: `#/persons/${x.person.id}`, text: x.person.name }) },
      { key: 'person.phone', cell: (x) => x.person.phone || '' },
      { key: 'common.area', cell: (x) => x.person.area },
      { key: 'recall.tube', cell: (x) => h('span', { class: 'mono', text: x.tube }) },
      // a referral names its checkpoint entry or sweep visit
      { key: 'recall.reason', cell: (x) => t(`recall.reason.${x.reason}`) + (x.cause ? ` #${x.cause.id}` : '') },
      { key: 'common.status', cell: (x) => (x.done ? badge('recall.state.done', 'ok') : badge('recall.state.open', 'run')) },
    ], r.items, { caption: 'recall.title' }));
  };

  const load = async () => {
    const r = await get(`/rounds/${round.id}/positives`, { limit: 100 }, { signal: ctx.signal });
    clear(body);
    const pending = r.items.filter((p) => p.status === 'pending').length;
    body.append(h('p', { class: pending ? 'alert alert-error' : 'muted', id: 'pos-pending', i18n: 'positive.pending_count', vars: { n: pending } }));
    if (!r.items.length) { body.append(h('p', { class: 'empty', i18n: 'positive.none' })); return; }
    const list = h('ul', { class: 'cards' });
    body.append(list);
    for (const p of r.items) {
      const traceBox = h('div', { 'aria-live': 'polite' });
      const state = h('p', { class: 'pool-state' },
        badge(`positive.status.${p.status}`, TONE[p.status] || 'run'), ' ',
        h('span', { i18n: 'positive.line', vars: { members: p.members, at: fmtTime(p.detected_at), area: p.site_area } }));
      const li = h('li', { class: `item${p.status === 'pending' ? ' item-open' : ''}`, dataset: { tube: p.tube } },
        h('h3', null, h('span', { i18n: 'positive.pool', vars: { tube: p.tube } })), state);
      if (p.decision && p.status === 'confirmed') {
        li.append(h('p', { class: 'alert alert-ok', i18n: 'positive.decided', vars: { by: p.decision.by, at: fmtTime(p.decision.at), households: p.decision.households.length, buildings: p.decision.buildings.length } }),
          p.decision.note ? h('p', { class: 'muted', text: p.decision.note }) : null);
      }
      let tr = null;
      const getTrace = async () => { tr = tr || await get(`/tubes/${enc(p.tube)}/trace`, null, { signal: ctx.signal }); return tr; };
      const show = h('button', { type: 'button', class: 'btn btn-secondary', 'aria-expanded': 'false', i18n: 'positive.show_trace' });
      show.addEventListener('click', async () => {
        const open = show.getAttribute('aria-expanded') !== 'true';
        show.setAttribute('aria-expanded', String(open));
        clear(traceBox);
        if (!open) return;
        try { traceBox.append(traceView(await getTrace())); } catch (err) { traceBox.append(errorBox(err)); }
      });
      const actions = h('div', { class: 'row' }, show);
      if (p.status === 'pending' && canRunRounds()) {
        const confirm = h('button', { type: 'button', class: 'btn btn-danger', dataset: { confirm: p.tube }, i18n: 'positive.confirm' });
        confirm.addEventListener('click', async () => {
          let trace;
          try { trace = await getTrace(); } catch (err) { traceBox.replaceChildren(errorBox(err)); return; }
          if (await confirmDialog(p, trace, confirm)) {
            toast('positive.confirmed', { tube: p.tube });
            await Promise.all([load(), loadRecalls()]);
            const again = body.querySelector(`li[data-tube="${CSS.escape(p.tube)}"] .pool-state`);
            if (again) { again.setAttribute('tabindex', '-1'); again.focus(); }
          }
        });
        actions.append(confirm);
      }
      li.append(actions, traceBox);
      list.append(li);
    }
  };
  await Promise.all([load(), loadRecalls()]);
}
