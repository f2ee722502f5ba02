// Pieces shared by the import screen and the dashboard's import panel.
import { h, table } from '../dom.js';
import { t, has, fmtNum, fmtBytes } from '../i18n.js';
import { reasonText } from '../errors.js';

export function statusBadge(status) {
  const cls = status === 'done' ? 'badge-ok' : status === 'failed' ? 'badge-fail' : 'badge-run';
  return h('span', { class: `badge ${cls}`, dataset: { status }, i18n: `import.status.${status}` });
}

export const COUNT_KEYS = ['rows', 'accepted', 'merged', 'unchanged', 'rejected'];

export function countsView(job) {
  return h('div', { class: 'counts', id: 'import-counts' }, COUNT_KEYS.map((k) => h('div', { class: k === 'rejected' && job[k] ? 'bad' : null, dataset: { count: k } },
    h('span', { class: 'n', text: fmtNum(job[k] || 0) }), h('span', { i18n: `import.${k}` }))));
}

export function progressView(job) {
  const total = job.bytes_total || 0;
  const done = job.status === 'done' ? total : Math.min(job.bytes_done || 0, total);
  const pct = total ? Math.floor((done * 100) / total) : (job.status === 'done' ? 100 : 0);
  const labelId = `import-progress-label-${job.id}`;
  return h('div', null,
    h('p', { id: labelId, text: t('import.progress', { done: fmtBytes(done), total: fmtBytes(total), pct }) }),
    h('progress', { id: 'import-progress', max: total || 1, value: total ? done : 0, 'aria-labelledby': labelId }));
}

function fieldName(f) { return has(`field.${f}`) ? t(`field.${f}`) : f; }

export function rejectsTable(items) {
  return table([
    { key: 'import.row', num: true, cell: (r) => fmtNum(r.row) },
    { key: 'import.level', cell: (r) => h('span', { class: `badge ${r.level === 'reject' ? 'badge-fail' : 'badge-masked'}`, i18n: `import.level.${r.level}` }) },
    { key: 'import.field', cell: (r) => fieldName(r.field) },
    { key: 'import.reason', cell: (r) => h('span', { class: 'reason', text: reasonText(r.reason) }) },
    { key: 'import.raw', cell: (r) => h('span', { class: 'mono small', text: r.raw }) },
  ], items);
}
