// One isolation case: its policy, days, test dates and what release still needs;
// its check-ins with a form for the next; officers move it to another policy
// version or type, or transfer it to central quarantine; counselling notes for
// the roles allowed (officers and counsellors), nobody else sees the section.
import { h, clear, pageHead, table, loading, toast, uid } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { badge } from '../round/common.js';
import { isOfficer, fmtDate } from '../ops/common.js';
import { checkinForm, mayCounsel, policyWords, TYPES } from '../ops/isolation.js';

const fact = (key, value) => [h('dt', { i18n: key }), h('dd', null, value)];

function moveCard(c, policies, onDone) {
  const id = uid('mv');
  const type = h('select', { id: `${id}-t`, name: 'type' }, TYPES.map((x) => h('option', { value: x, i18n: `iso.type.${x}`, selected: x === c.type })));
  const version = h('select', { id: `${id}-v`, name: 'version' });
  const fill = () => {
    clear(version);
    const mine = policies.filter((p) => p.type === type.value).sort((a, b) => b.version - a.version);
    for (const p of mine) version.append(h('option', { value: p.version, text: policyWords(p), selected: p.id === c.policy.id }));
  };
  type.addEventListener('change', fill);
  fill();
  const msg = h('div', { 'aria-live': 'assertive' });
  const send = async (body, btn, key) => {
    clear(msg);
    btn.disabled = true;
    try {
      await post(`/isolations/${enc(c.id)}/move`, body);
      toast(key, { name: c.person.name });
      await onDone();
    } catch (err) { msg.append(errorBox(err)); btn.disabled = false; }
  };
  const save = h('button', { type: 'submit', class: 'btn btn-small' }, h('span', { i18n: 'iso.move_save' }));
  const form = h('form', { class: 'row-form', id: 'iso-move', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: `${id}-t`, i18n: 'iso.type' }), type),
    h('div', { class: 'field' }, h('label', { for: `${id}-v`, i18n: 'iso.policy' }), version), save);
  form.addEventListener('submit', (e) => { e.preventDefault(); send({ type: type.value, version: Number(version.value) }, save, 'iso.moved'); });
  const card = h('section', { class: 'card', 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h`, i18n: 'iso.move' }),
    h('p', { class: 'hint', i18n: 'iso.move_hint' }), form);
  if (c.type !== 'central') {
    const tr = h('button', { type: 'button', class: 'btn btn-secondary', id: 'iso-transfer', i18n: 'iso.transfer' });
    tr.addEventListener('click', () => send({ type: 'central' }, tr, 'iso.transferred'));
    card.append(h('p', null, tr));
  }
  card.append(msg);
  return card;
}

function counselCard(c) {
  const id = uid('cn');
  const list = h('div', { 'aria-live': 'polite' });
  const body = h('textarea', { id: `${id}-b`, name: 'body', rows: 3, maxlength: 2000 });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn btn-small', i18n: 'iso.note_add' });
  const load = async () => {
    const r = await get(`/persons/${enc(c.person.id)}/counselling-notes`);
    clear(list);
    if (!r.items.length) { list.append(h('p', { class: 'empty', i18n: 'iso.notes_none' })); return; }
    list.append(h('ul', { class: 'notes' }, r.items.map((n) => h('li', null, h('p', { text: n.body }),
      h('p', { class: 'muted small', text: `${n.created_by} · ${fmtTime(n.created_at)}` })))));
  };
  const form = h('form', { novalidate: true }, h('div', { class: 'field' }, h('label', { for: `${id}-b`, i18n: 'iso.note_body' }), body), msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    if (!body.value.trim()) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'iso.note_empty' })); body.focus(); return; }
    btn.disabled = true;
    try {
      await post(`/persons/${enc(c.person.id)}/counselling-notes`, { body: body.value.trim() });
      body.value = '';
      toast('iso.note_added', { name: c.person.name });
      await load();
    } catch (err) { msg.append(errorBox(err)); }
    btn.disabled = false;
  });
  const card = h('section', { class: 'card', id: 'iso-counselling', 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h`, i18n: 'iso.counselling' }), h('p', { class: 'hint', i18n: 'iso.counselling_hint' }), list, form);
  load().catch((e) => clear(list).append(errorBox(e)));
  return card;
}

export default {
  title: 'iso.case',
  async render(main, ctx) {
    const draw = async () => {
      const [c, pol] = await Promise.all([
        get(`/isolations/${enc(ctx.params.id)}`, null, { signal: ctx.signal }),
        get('/isolation-policies', null, { signal: ctx.signal }),
      ]);
      clear(main);
      const active = c.status === 'active';
      const unmet = c.release ? c.release.unmet.map((u) => t(`iso.unmet.${u}`, { day: fmtDate(c.release.last_day), test: fmtDate(c.release.last_test_day) })) : [];
      main.append(pageHead('iso.case_of', { name: c.person.name }, h('a', { class: 'btn btn-secondary', href: '#/isolation', i18n: 'iso.back' })),
        h('section', { class: 'card', id: 'iso-case' },
          h('dl', { class: 'facts' },
            fact('iso.person', h('a', { href: `#/persons/${c.person.id}`, text: c.person.name })),
            fact('common.status', badge(`iso.status.${c.status}`, active ? 'run' : 'ok')),
            fact('iso.type', t(`iso.type.${c.type}`)),
            fact('iso.reason', t(`iso.reason.${c.reason}`)),
            fact('iso.policy', policyWords(c.policy)),
            fact('iso.start', fmtTime(c.start)),
            fact('iso.planned_end', fmtDate(c.planned_end)),
            fact('iso.test_dates', c.test_dates.map(fmtDate).join(t('iso.list_sep'))),
            c.note ? fact('iso.note', c.note) : null,
            active ? fact('iso.release_needs', unmet.length ? h('ul', { class: 'unmet' }, unmet.map((l) => h('li', null, l))) : t('iso.release_ready')) : null,
            c.released_at ? fact('iso.released_at', fmtTime(c.released_at)) : null)));
      const ckId = uid('ckh');
      const cks = h('section', { class: 'card', id: 'iso-checkins', 'aria-labelledby': ckId }, h('h2', { id: ckId, i18n: 'iso.checkin_list' }));
      if (active) cks.append(checkinForm(c, draw));
      cks.append(c.checkins.length ? table([
        { key: 'common.time', cell: (k) => fmtTime(k.at) },
        { key: 'iso.temperature', num: true, cell: (k) => (k.temperature == null ? '' : t('iso.temp', { t: k.temperature.toFixed(1) })) },
        { key: 'iso.symptoms', cell: (k) => (k.symptoms.length ? k.symptoms.map((s) => t(`iso.symptom.${s}`)).join(t('iso.list_sep')) : t('iso.no_symptoms')) },
        { key: 'iso.note', cell: (k) => k.note },
        { key: 'iso.recorded_by', cell: (k) => k.recorded_by },
      ], c.checkins, { caption: 'iso.checkin_list' }) : h('p', { class: 'empty', i18n: 'iso.checkins_none' }));
      main.append(cks);
      if (active && isOfficer()) main.append(moveCard(c, pol.items, draw));
      if (mayCounsel()) main.append(counselCard(c));
    };
    main.append(loading());
    await draw();
  },
};
