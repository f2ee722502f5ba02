// Discrepancies: a box counted short or long, or a damaged tube, raised at a
// handover. Open ones first; an officer writes what was done and resolves it.
import { h, clear, toast } from '../dom.js';
import { fmtTime } from '../i18n.js';
import { get, post } from '../api.js';
import { errorBox } from '../errors.js';
import { halfWidth } from '../validate.js';
import { canRunRounds, badge } from './common.js';

export default async function discrepancies(el, round, ctx) {
  const card = h('section', { class: 'card', 'aria-labelledby': 'disc-h', id: 'discrepancies' }, h('h2', { id: 'disc-h', i18n: 'disc.title' }));
  el.append(card);
  const body = h('div');
  card.append(body);
  const load = async () => {
    const r = await get(`/rounds/${round.id}/discrepancies`, { limit: 500 }, { signal: ctx.signal });
    clear(body);
    const items = r.items.slice().sort((a, b) => Number(a.resolved) - Number(b.resolved));
    const open = items.filter((d) => !d.resolved).length;
    body.append(h('p', { class: open ? 'alert alert-warn' : 'muted', id: 'disc-open', i18n: 'disc.open_count', vars: { n: open } }));
    if (!items.length) { body.append(h('p', { class: 'empty', i18n: 'disc.none' })); return; }
    const list = h('ul', { class: 'cards' });
    body.append(list);
    for (const d of items) {
      const li = h('li', { class: `item${d.resolved ? '' : ' item-open'}`, dataset: { disc: d.id } },
        h('h3', null, h('span', { i18n: 'disc.box', vars: { box: d.box } }), ' ',
          badge(`disc.kind.${d.kind}`, 'fail'), ' ', d.resolved ? badge('disc.state.resolved', 'ok') : badge('disc.state.open', 'run')),
        h('p', { i18n: d.kind === 'damaged' ? 'disc.damaged_line' : 'disc.count_line', vars: { expected: d.expected, counted: d.counted, tube: d.tube || '' } }),
        d.note ? h('p', { class: 'muted', text: d.note }) : null,
        h('p', { class: 'small muted', i18n: 'disc.raised', vars: { at: fmtTime(d.created_at), by: d.created_by } }),
        d.resolved ? h('p', { class: 'alert alert-ok', i18n: 'disc.resolution', vars: { text: d.resolution.text, by: d.resolution.by, at: fmtTime(d.resolution.at) } }) : null);
      if (!d.resolved && canRunRounds()) {
        const id = `disc-${d.id}-text`;
        const input = h('input', { type: 'text', id, maxlength: 400, autocomplete: 'off', 'aria-describedby': `${id}-hint` });
        const btn = h('button', { type: 'submit', class: 'btn', i18n: 'disc.resolve' });
        const msg = h('div', { 'aria-live': 'assertive' });
        const form = h('form', { class: 'search-row', novalidate: true },
          h('div', { class: 'field' }, h('label', { for: id, i18n: 'disc.resolution_label' }), input,
            h('span', { class: 'hint', id: `${id}-hint`, i18n: 'disc.resolution_hint' })), btn);
        form.addEventListener('submit', async (e) => {
          e.preventDefault();
          clear(msg);
          const text = halfWidth(input.value);
          if (!text) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'disc.resolution_required' })); input.focus(); return; }
          btn.disabled = true;
          try {
            await post(`/discrepancies/${d.id}/resolve`, { resolution: text });
            toast('disc.resolved', { box: d.box });
            await load();
            body.querySelector('#disc-open')?.focus?.();
          } catch (err) { msg.append(errorBox(err)); btn.disabled = false; }
        });
        li.append(form, msg);
      }
      list.append(li);
    }
  };
  await load();
}
