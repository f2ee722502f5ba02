// Import a CSV (persons or merchants) into an area and watch it: upload with
// progress, then the server's progress every 500 ms, then the rejected rows.
// Also: export the area's people to CSV or Excel.
import { h, clear, pageHead, table, uid, loading } from '../dom.js';
import { t, fmtNum, fmtTime, fmtBytes } from '../i18n.js';
import { get, upload, url } from '../api.js';
import { errorBox } from '../errors.js';
import { state, onAreaChange } from '../state.js';
import { openPicker } from '../area-picker.js';
import { go } from '../app.js';
import { statusBadge, countsView, progressView, rejectsTable } from './import-common.js';
import { exportLinks } from './areas.js';

export default {
  title: 'import.title',
  async render(main, ctx) {
    if (ctx.params.id) { await jobView(main, ctx, ctx.params.id); return; }
    main.append(pageHead('import.title'));
    main.append(uploadForm());
    // another area chosen: the form keeps the file already picked, the export follows the area
    const exportBody = h('div');
    const drawExport = () => exportBody.replaceChildren(...(state.area
      ? [h('p', { text: t('export.lead', { name: state.area.name }) }), exportLinks({ area: state.area.code })]
      : [h('p', { i18n: 'area.none' })]));
    drawExport();
    ctx.onCleanup(onAreaChange(() => {
      const label = document.getElementById('import-area');
      if (label) label.textContent = state.area ? state.area.name : t('area.none');
      drawExport();
    }));
    main.append(h('section', { class: 'card', 'aria-labelledby': 'export-h' },
      h('h2', { id: 'export-h', i18n: 'export.title' }), exportBody));
    const recent = h('section', { class: 'card', 'aria-labelledby': 'recent-h' }, h('h2', { id: 'recent-h', i18n: 'import.recent' }), loading());
    main.append(recent);
    try {
      const r = await get('/imports', { limit: 20 }, { signal: ctx.signal });
      recent.lastChild.remove();
      if (!r.items.length) { recent.append(h('p', { class: 'empty', i18n: 'panel.imports.none' })); return; }
      recent.append(table([
        { key: 'import.file', cell: (i) => h('a', { href: `#/import/${i.id}`, text: i.file_name || t('import.unnamed') }) },
        { key: 'import.kind', cell: (i) => t(`import.kind.${i.kind}`) },
        { key: 'common.status', cell: (i) => statusBadge(i.status) },
        { key: 'import.rows', num: true, cell: (i) => fmtNum(i.rows) },
        { key: 'import.rejected', num: true, cell: (i) => fmtNum(i.rejected) },
        { key: 'common.time', cell: (i) => fmtTime(i.created_at) },
      ], r.items));
    } catch (e) { if (e.name !== 'AbortError') recent.append(errorBox(e)); }
  },
};

function uploadForm() {
  const fileId = uid('file');
  const file = h('input', { type: 'file', id: fileId, accept: '.csv,text/csv', 'aria-describedby': `${fileId}-hint` });
  const kindName = uid('kind');
  const kinds = ['persons', 'merchants'].map((k, i) => h('label', { class: 'check' },
    h('input', { type: 'radio', name: kindName, value: k, checked: i === 0 }), h('span', { i18n: `import.kind.${k}` })));
  const status = h('div', { 'aria-live': 'polite', id: 'upload-status' });
  const areaName = h('strong', { id: 'import-area', text: state.area ? state.area.name : t('area.none') });
  const submit = h('button', { type: 'submit', class: 'btn', i18n: 'import.start' });
  const form = h('form', { class: 'card', id: 'import-form', 'aria-labelledby': 'import-h' },
    h('h2', { id: 'import-h', i18n: 'import.upload_title' }),
    h('div', { class: 'field' },
      h('span', { class: 'label', i18n: 'import.into_area' }),
      h('div', { class: 'row' }, areaName,
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', i18n: 'area.change', onclick: () => openPicker() }))),
    h('fieldset', null, h('legend', { i18n: 'import.kind' }), h('div', { class: 'checks' }, kinds)),
    h('div', { class: 'field' },
      h('label', { for: fileId, i18n: 'import.file_label' }), file,
      h('span', { class: 'hint', id: `${fileId}-hint`, i18n: 'import.file_hint' })),
    h('details', null, h('summary', { i18n: 'import.columns_title' }), h('p', { class: 'small', i18n: 'import.columns_persons' }), h('p', { class: 'small', i18n: 'import.columns_merchants' })),
    status,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(status);
    const f = file.files && file.files[0];
    if (!state.area) { status.append(h('div', { class: 'alert alert-error', role: 'alert' }, h('p', { class: 'what', i18n: 'area.none' }))); return; }
    if (!f) {
      status.append(h('div', { class: 'alert alert-error', role: 'alert' }, h('p', { class: 'what', i18n: 'import.no_file' })));
      file.focus();
      return;
    }
    const kind = form.querySelector(`input[name="${kindName}"]:checked`).value;
    const bar = h('progress', { max: 100, value: 0, id: 'upload-progress', 'aria-labelledby': 'upload-label' });
    const label = h('p', { id: 'upload-label', text: t('import.uploading', { name: f.name, size: fmtBytes(f.size) }) });
    status.append(label, bar);
    submit.disabled = true;
    try {
      const r = await upload(`/imports/${kind}`, { area: state.area.code, name: f.name }, f, {
        onProgress: (x) => { bar.value = Math.round(x * 100); },
      });
      go(`/import/${r.id}`);
    } catch (err) {
      clear(status).append(errorBox(err));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

async function jobView(main, ctx, id) {
  main.append(pageHead('import.job_title', null, h('a', { class: 'btn btn-secondary', href: '#/import', i18n: 'import.another' })));
  const card = h('section', { class: 'card', id: 'import-job', 'aria-live': 'polite', 'aria-busy': 'true' });
  const rejects = h('section', { class: 'card', id: 'import-rejects', hidden: true });
  main.append(card, rejects);
  let timer = 0;
  ctx.onCleanup(() => clearTimeout(timer));
  const draw = (job) => {
    clear(card).append(
      h('h2', { class: 'person-head' }, h('span', { text: job.file_name || t('import.unnamed') }), statusBadge(job.status)),
      h('p', { class: 'muted', text: t('import.meta', { kind: t(`import.kind.${job.kind}`), area: job.area, time: fmtTime(job.created_at) }) }),
      progressView(job),
      countsView(job));
    if (job.status === 'failed') card.append(h('div', { class: 'alert alert-error', role: 'alert' }, h('p', { class: 'what', i18n: 'import.failed' }), h('p', { class: 'small', lang: 'en', text: job.message || '' })));
  };
  const poll = async () => {
    let job;
    try {
      job = await get(`/imports/${id}`, null, { signal: ctx.signal });
    } catch (e) {
      if (e.name === 'AbortError' || ctx.stale()) return;
      clear(card).append(errorBox(e));
      return;
    }
    if (ctx.stale()) return;
    draw(job);
    if (job.status === 'running') { timer = setTimeout(poll, 500); return; }
    card.setAttribute('aria-busy', 'false');
    if (job.status === 'done') await showRejects(job);
  };
  const showRejects = async (job) => {
    rejects.hidden = false;
    rejects.append(h('h2', { i18n: 'import.rejects_title' }));
    const r = await get(`/imports/${id}/rejects`, null, { signal: ctx.signal });
    if (!r.items.length) {
      rejects.append(h('p', { class: 'alert alert-ok', i18n: 'import.all_good', vars: { n: job.rows } }));
      return;
    }
    rejects.append(
      h('p', { i18n: 'import.rejects_lead', vars: { n: job.rejected, total: r.total } }),
      h('p', null, h('a', { class: 'btn btn-secondary', id: 'rejects-csv', href: url(`/imports/${id}/rejects`, { format: 'csv' }), download: '', i18n: 'import.rejects_download' })),
      rejectsTable(r.items.slice(0, 200)));
    if (r.items.length > 200 || r.total > r.items.length) rejects.append(h('p', { class: 'muted', i18n: 'import.rejects_more', vars: { n: 200 } }));
  };
  await poll();
}
