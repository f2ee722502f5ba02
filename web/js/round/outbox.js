// A round's outgoing messages (reminders to sites, runs to drivers, alarms to
// officers), newest first: where each went, whether it was sent, how often it
// was tried, when the next try is and why the last one failed.
import { h, table } from '../dom.js';
import { fmtTime, fmtNum } from '../i18n.js';
import { get, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { canRunRounds, badge } from './common.js';

const TONE = { sent: 'ok', pending: 'run', failed: 'fail' };

export function outboxView(round, ctx) {
  const body = h('div', { 'aria-live': 'polite' });
  const refresh = h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'ob-refresh', i18n: 'ob.refresh' });
  const card = h('section', { class: 'card', id: 'tp-outbox', 'aria-labelledby': 'ob-h' },
    h('div', { class: 'page-head' }, h('h2', { id: 'ob-h', i18n: 'ob.title' }), refresh), body);
  const load = async () => {
    refresh.disabled = true;
    try {
      const [r, chans] = await Promise.all([
        get(`/rounds/${enc(round.id)}/outbox`, { limit: 200 }, { signal: ctx.signal }),
        canRunRounds() ? get('/channels', null, { signal: ctx.signal }).then((c) => c.items, () => []) : [],
      ]);
      if (ctx.stale()) return;
      const names = new Map(chans.map((c) => [c.id, c.name]));
      body.replaceChildren(r.items.length ? table([
        { key: 'ob.created', cell: (m) => fmtTime(m.created_at) },
        { key: 'ob.kind', cell: (m) => h('span', { i18n: `ob.kind.${m.kind}` }) },
        { key: 'ob.channel', cell: (m) => (names.has(m.channel) ? names.get(m.channel) : `#${m.channel}`) },
        { key: 'ob.text', cell: (m) => h('span', { class: 'ob-text', text: m.text }) },
        { key: 'common.status', cell: (m) => badge(`ob.status.${m.status}`, TONE[m.status] || 'run') },
        { key: 'ob.attempts', num: true, cell: (m) => fmtNum(m.attempts) },
        { key: 'ob.next', cell: (m) => (m.status === 'pending' ? fmtTime(m.next_at) : m.sent_at ? h('span', { i18n: 'ob.sent_at', vars: { at: fmtTime(m.sent_at) } }) : '—') },
        { key: 'ob.error', cell: (m) => (m.last_error ? h('span', { class: 'small', lang: 'en', text: m.last_error }) : '') },
      ], r.items, { caption: 'ob.title' }) : h('p', { class: 'empty', id: 'ob-none', i18n: 'ob.none' }));
    } catch (e) {
      if (e.name !== 'AbortError') body.replaceChildren(errorBox(e));
    } finally {
      refresh.disabled = false;
    }
  };
  refresh.addEventListener('click', load);
  load();
  return card;
}
