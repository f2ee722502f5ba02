// The isolation board and today's worklist: every active case with what is due
// today (check-ins, a test, the end, release, a transfer), and the list of
// cases by status. Officers release a case; a refusal names each unmet condition.
// A row opens its case; check-ins are recorded in the worklist; officers open a case
// here or from the isolation-gaps list.
import { h, clear, pageHead, table, loading, toast } from '../dom.js';
import { t, fmtNum } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { badge } from '../round/common.js';
import { isOfficer, fmtDate, reasonsBox } from '../ops/common.js';
import { checkinForm } from '../ops/isolation.js';

const yes = (b, key, tone = 'run') => (b ? badge(key, tone) : h('span', { class: 'muted', i18n: 'common.no' }));

/** The words for each unmet release condition of one case. */
export async function releaseRefusal(id, signal) {
  const c = await get(`/isolations/${enc(id)}`, null, { signal });
  const r = c.release || { unmet: [] };
  return r.unmet.map((u) => t(`iso.unmet.${u}`, { day: fmtDate(r.last_day), test: fmtDate(r.last_test_day) }));
}

export default {
  title: 'iso.title',
  async render(main, ctx) {
    const officer = isOfficer();
    const msg = h('div', { id: 'iso-msg', 'aria-live': 'assertive' });
    main.append(pageHead('iso.title', null,
      officer ? h('a', { class: 'btn', href: '#/isolation/new', i18n: 'iso.new' }) : null,
      h('a', { class: 'btn btn-secondary', href: '#/isolation/gaps', i18n: 'iso.gaps' })), msg);
    const work = h('section', { class: 'card', id: 'iso-worklist', 'aria-labelledby': 'iso-work-h' },
      h('h2', { id: 'iso-work-h', i18n: 'iso.worklist' }), h('p', { class: 'hint', i18n: 'iso.worklist_hint' }));
    const workBody = h('div', { 'aria-live': 'polite' });
    work.append(workBody);
    const status = h('select', { id: 'iso-status', name: 'status' },
      ['active', 'released'].map((s) => h('option', { value: s, i18n: `iso.status.${s}` })));
    const board = h('section', { class: 'card', id: 'iso-cases', 'aria-labelledby': 'iso-cases-h' },
      h('h2', { id: 'iso-cases-h', i18n: 'iso.cases' }),
      h('div', { class: 'field' }, h('label', { for: 'iso-status', i18n: 'iso.show' }), status));
    const boardBody = h('div', { 'aria-live': 'polite' });
    board.append(boardBody);
    main.append(work, board);

    const release = async (c, btn) => {
      clear(msg);
      btn.disabled = true;
      try {
        await post(`/isolations/${enc(c.id)}/release`);
        toast('iso.released', { name: c.person.name });
        await load();
      } catch (err) {
        if (err.status === 422) {
          let lines;
          try { lines = await releaseRefusal(c.id, ctx.signal); } catch { lines = []; }
          if (!lines.length) lines = [err.serverMessage];
          msg.append(reasonsBox('iso.refused', lines, 'iso-refusal', { name: c.person.name }));
        } else msg.append(errorBox(err));
        btn.disabled = false;
      }
    };
    const releaseBtn = (c) => {
      if (!officer || c.status !== 'active') return null;
      const b = h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { release: c.id } },
        h('span', { i18n: 'iso.release' }), h('span', { class: 'sr-only', text: ` ${c.person.name}` }));
      b.addEventListener('click', () => release(c, b));
      return b;
    };
    const person = (c) => h('a', { href: `#/isolation/${c.id}`, text: c.person.name });
    const checkin = (w) => h('details', { class: 'checkin' }, h('summary', null, h('span', { i18n: 'iso.checkin' }),
      h('span', { class: 'sr-only', text: ` ${w.isolation.person.name}` })), checkinForm(w.isolation, load));

    const loadWork = async () => {
      const r = await get('/isolations/worklist', { limit: 500 }, { signal: ctx.signal });
      clear(workBody);
      if (!r.items.length) { workBody.append(h('p', { class: 'empty', i18n: 'iso.worklist_none' })); return; }
      const n = (k) => r.items.filter((w) => (k === 'checkins' ? w.checkins_due > 0 : w[k])).length;
      workBody.append(h('div', { class: 'tiles' }, ['checkins', 'test_due', 'ending', 'releasable', 'transfer'].map((k) =>
        h('div', { class: `tile${n(k) ? ' tile-alert' : ''}`, dataset: { count: k } },
          h('span', { class: 'n', text: fmtNum(n(k)) }), h('span', { class: 'l', i18n: `iso.due.${k}` })))));
      workBody.append(table([
        { key: 'iso.person', cell: (w) => person(w.isolation) },
        { key: 'iso.type', cell: (w) => t(`iso.type.${w.isolation.type}`) },
        { key: 'iso.day', num: true, cell: (w) => t('iso.day_n', { n: w.day }) },
        { key: 'iso.checkins', cell: (w) => (w.checkins_due > 0 ? badge('iso.flag.checkins_due', 'fail') : badge('iso.flag.checkins_done', 'ok')) },
        { key: 'iso.checkins_today', num: true, cell: (w) => fmtNum(w.checkins_today) },
        { key: 'iso.last_temperature', num: true, cell: (w) => (w.last_temperature == null ? '' : t('iso.temp', { t: w.last_temperature.toFixed(1) })) },
        { key: 'iso.due.test_due', cell: (w) => yes(w.test_due, 'iso.flag.test_due', 'fail') },
        { key: 'iso.due.ending', cell: (w) => yes(w.ending, 'iso.flag.ending') },
        { key: 'iso.due.releasable', cell: (w) => yes(w.releasable, 'iso.flag.releasable', 'ok') },
        { key: 'iso.due.transfer', cell: (w) => yes(w.transfer, 'iso.flag.transfer', 'fail') },
        { key: 'common.actions', cell: (w) => h('div', { class: 'row' }, checkin(w), releaseBtn(w.isolation)) },
      ], r.items, { caption: 'iso.worklist' }));
    };
    const loadBoard = async () => {
      clear(boardBody).append(loading());
      const r = await get('/isolations', { status: status.value, limit: 500 }, { signal: ctx.signal });
      clear(boardBody);
      if (!r.items.length) { boardBody.append(h('p', { class: 'empty', i18n: 'iso.none' })); return; }
      boardBody.append(table([
        { key: 'iso.person', cell: person },
        { key: 'iso.type', cell: (c) => t(`iso.type.${c.type}`) },
        { key: 'iso.reason', cell: (c) => t(`iso.reason.${c.reason}`) },
        { key: 'iso.start', cell: (c) => fmtDate(c.start) },
        { key: 'iso.planned_end', cell: (c) => fmtDate(c.planned_end) },
        { key: 'common.status', cell: (c) => badge(`iso.status.${c.status}`, c.status === 'active' ? 'run' : 'ok') },
        { key: 'common.actions', cell: releaseBtn },
      ], r.items, { caption: 'iso.cases' }));
    };
    const load = () => Promise.all([loadWork(), loadBoard()]);
    status.addEventListener('change', () => loadBoard().catch((e) => { clear(boardBody).append(errorBox(e)); }));
    workBody.append(loading());
    await load();
  },
};
