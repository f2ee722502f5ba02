// Import activity: recent imports in the user's area with their counts.
import { registerPanel } from '../registry.js';
import { h, table } from '../../js/dom.js';
import { t, fmtNum, fmtTime } from '../../js/i18n.js';
import { get } from '../../js/api.js';
import { statusBadge } from '../../js/screens/import-common.js';

registerPanel({
  id: 'imports',
  title: 'panel.imports.title',
  roles: ['admin', 'officer', 'staff'],
  order: 20,
  wide: true,
  async render(el, ctx) {
    const r = await get('/imports', { limit: 10 }, { signal: ctx.signal });
    if (!r.items.length) { el.append(h('p', { class: 'empty', i18n: 'panel.imports.none' })); return; }
    el.append(table([
      { key: 'import.file', cell: (i) => h('a', { href: `#/import/${i.id}`, text: i.file_name || t('import.unnamed') }) },
      { key: 'import.kind', cell: (i) => t(`import.kind.${i.kind}`) },
      { key: 'common.status', cell: (i) => statusBadge(i.status) },
      { key: 'import.rows', num: true, cell: (i) => fmtNum(i.rows) },
      { key: 'import.accepted', num: true, cell: (i) => fmtNum(i.accepted) },
      { key: 'import.merged', num: true, cell: (i) => fmtNum(i.merged) },
      { key: 'import.rejected', num: true, cell: (i) => fmtNum(i.rejected) },
      { key: 'common.time', cell: (i) => fmtTime(i.created_at) },
    ], r.items));
    el.append(h('p', null, h('a', { href: '#/import', i18n: 'panel.imports.go' })));
  },
});
