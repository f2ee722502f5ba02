// The lab's screen: receive a sealed box (scan its barcode, count the tubes:
// a count other than the box's is recorded as a discrepancy and alerted), and
// post results from the analyser's CSV file (tube,result,ct,at), every rejected
// row named with its reason.
import { h, clear, pageHead, table, uid } from '../dom.js';
import { t, has, fmtNum, fmtTime } from '../i18n.js';
import { get, post, upload, enc } from '../api.js';
import { errorBox, reasonText } from '../errors.js';
import { badge } from '../round/common.js';

const field = (id, key, input, hint) => h('div', { class: 'field' },
  h('label', { for: id, class: 'req', i18n: key }), input,
  hint ? h('p', { class: 'hint', id: `${id}-hint`, i18n: hint }) : null);

function receive() {
  const id = uid('lab');
  const box = h('input', { type: 'text', id: `${id}-b`, name: 'box', autocomplete: 'off', required: true, 'aria-describedby': `${id}-b-hint` });
  const count = h('input', { type: 'number', id: `${id}-c`, name: 'count', min: 0, max: 100000, inputmode: 'numeric', required: true });
  const by = h('input', { type: 'text', id: `${id}-r`, name: 'received_by', maxlength: 64, autocomplete: 'name' });
  const out = h('div', { id: 'lab-receive-result', 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'lab.receive' });
  const form = h('form', { class: 'form', novalidate: true, id: 'lab-receive' },
    field(`${id}-b`, 'lab.box', box, 'lab.box_hint'), field(`${id}-c`, 'lab.count', count),
    h('div', { class: 'field' }, h('label', { for: `${id}-r`, i18n: 'lab.received_by' }), by), btn, out);
  // a scanner ends with Enter: on to the count rather than a complaint about it
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && box.value.trim() && !count.value) { e.preventDefault(); count.focus(); }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(out);
    const barcode = box.value.trim();
    const n = count.value.trim();
    if (!barcode || !/^\d+$/.test(n)) {
      out.append(h('p', { class: 'field-msg error', role: 'alert', i18n: barcode ? 'lab.count_required' : 'lab.box_required' }));
      (barcode ? count : box).focus();
      return;
    }
    btn.disabled = true;
    try {
      const body = { box: barcode, to: 'lab', count: Number(n), at: Math.floor(Date.now() / 1000) };
      if (by.value.trim()) body.received_by = by.value.trim();
      const r = await post('/handovers', body);
      const b = await get(`/boxes/${enc(barcode)}`);
      const lines = (r.discrepancies || []).map((d) => h('li', { i18n: `lab.disc.${d.kind}`, vars: { expected: d.expected, counted: d.counted, tube: d.tube || '' } }));
      out.append(h('div', { class: lines.length ? 'alert alert-warn' : 'alert alert-ok', role: 'status' },
        h('p', { i18n: r.duplicate ? 'lab.received_again' : 'lab.received', vars: { box: barcode, n: b.tubes } }),
        lines.length ? h('ul', null, lines) : null));
      box.value = ''; count.value = '';
      box.focus();
    } catch (err) { out.append(errorBox(err)); } finally { btn.disabled = false; }
  });
  return form;
}

function results() {
  const id = uid('lab');
  const file = h('input', { type: 'file', id: `${id}-f`, name: 'file', accept: '.csv,text/csv', 'aria-describedby': `${id}-f-hint` });
  const out = h('div', { id: 'lab-results-result', 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'lab.upload' });
  const form = h('form', { class: 'form', novalidate: true, id: 'lab-results' },
    field(`${id}-f`, 'lab.file', file, 'lab.file_hint'), btn, out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(out);
    if (!file.files.length) { out.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'lab.file_required' })); file.focus(); return; }
    btn.disabled = true;
    try {
      const r = await upload('/results', null, file.files[0]);
      out.append(h('p', { class: r.rejected ? 'alert alert-warn' : 'alert alert-ok', role: 'status', i18n: 'lab.summary', vars: { ok: fmtNum(r.ok), duplicate: fmtNum(r.duplicate), rejected: fmtNum(r.rejected) } }));
      const bad = r.results.filter((x) => x.status === 'rejected');
      if (bad.length) {
        out.append(table([
          { key: 'lab.row', cell: (x) => String(x.row ?? ''), num: true },
          { key: 'lab.tube', cell: (x) => x.tube || '' },
          { key: 'lab.reason', cell: (x) => (has(`lab.err.${x.error?.code}`) ? t(`lab.err.${x.error.code}`) : reasonText(x.error?.message || x.error?.code)) },
        ], bad.slice(0, 200), { caption: 'lab.rejected_rows' }));
      }
      form.reset();
    } catch (err) { out.append(errorBox(err)); } finally { btn.disabled = false; }
  });
  return form;
}

/** A box's way so far, to answer "did it arrive, has it a result". */
function lookup() {
  const id = uid('lab');
  const box = h('input', { type: 'text', id: `${id}-q`, name: 'box', autocomplete: 'off' });
  const out = h('div', { id: 'lab-box', 'aria-live': 'polite' });
  const form = h('form', { class: 'form form-inline', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: `${id}-q`, i18n: 'lab.box' }), box),
    h('button', { type: 'submit', class: 'btn', i18n: 'lab.show' }), out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(out);
    if (!box.value.trim()) { box.focus(); return; }
    try {
      const b = await get(`/boxes/${enc(box.value.trim())}`);
      out.append(h('p', { i18n: 'lab.box_facts', vars: { box: b.box, n: b.tubes, seal: b.seal } }),
        h('ol', { class: 'plain' }, b.timeline.map((s) => h('li', null,
          badge(`lab.step.${s.step}`, s.step === 'result' ? 'ok' : 'run'), ' ', h('span', { text: `${fmtTime(s.at)} · ${fmtNum(s.count)}` })))));
    } catch (err) { out.append(errorBox(err)); }
  });
  return form;
}

export default {
  title: 'lab.title',
  render(main) {
    const sec = (key, ...c) => h('section', { class: 'card' }, h('h2', { i18n: key }), c);
    main.append(pageHead('lab.title'),
      sec('lab.receive_title', h('p', { class: 'muted', i18n: 'lab.receive_intro' }), receive()),
      sec('lab.results_title', h('p', { class: 'muted', i18n: 'lab.results_intro' }), results()),
      sec('lab.lookup_title', lookup()));
  },
};
