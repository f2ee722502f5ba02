// Teams (duty, screening, disinfection, volunteer services, temporary party branch …) of one's area: the list with
// each team's kind and size, and a team's members (staff, volunteers, party members) —
// officers add a team, add a member by username or registry person, and remove one.
import { h, clear, pageHead, table, loading, toast, uid } from '../dom.js';
import { fmtNum } from '../i18n.js';
import { get, post, del, enc } from '../api.js';
import { errorBox } from '../errors.js';
import { state } from '../state.js';
import { badge } from '../round/common.js';
import { TEAM_KINDS, MEMBER_ROLES, canEditTeams } from '../ops/roster.js';

const field = (id, key, input) => h('div', { class: 'field' }, h('label', { for: id, i18n: key }), input);

function teamForm(onDone) {
  const name = h('input', { type: 'text', id: 'team-name', name: 'name', maxlength: 100, autocomplete: 'off', required: true });
  const kind = h('select', { id: 'team-kind', name: 'kind' }, TEAM_KINDS.map((k) => h('option', { value: k, i18n: `team.kind.${k}` })));
  const area = h('input', { type: 'text', id: 'team-area', name: 'area', maxlength: 64, autocomplete: 'off', value: state.area ? state.area.code : '' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn' }, h('span', { i18n: 'team.create' }));
  const form = h('form', { class: 'card', id: 'team-form', novalidate: true },
    h('h2', { i18n: 'team.new' }),
    h('div', { class: 'row' }, field('team-name', 'team.name', name), field('team-kind', 'common.kind', kind), field('team-area', 'common.area', area)),
    msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    if (!name.value.trim()) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'team.name_required' })); name.focus(); return; }
    btn.disabled = true;
    try {
      const t = await post('/teams', { name: name.value.trim(), kind: kind.value, area: area.value.trim() });
      toast('team.created', { name: t.name });
      name.value = '';
      await onDone();
    } catch (err) { msg.append(errorBox(err)); }
    btn.disabled = false;
  });
  return form;
}

function memberForm(team, onDone) {
  const id = uid('mem');
  const who = h('input', { type: 'text', id: `${id}-w`, name: 'who', maxlength: 32, autocomplete: 'off' });
  const kind = h('select', { id: `${id}-k`, name: 'who_kind' },
    h('option', { value: 'username', i18n: 'team.by_username' }), h('option', { value: 'person', i18n: 'team.by_person' }));
  const role = h('select', { id: `${id}-r`, name: 'role' }, MEMBER_ROLES.map((r) => h('option', { value: r, i18n: `team.role.${r}` })));
  const msg = h('div', { 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'btn' }, h('span', { i18n: 'team.add_member' }));
  const form = h('form', { class: 'row-form', id: 'member-form', novalidate: true },
    field(`${id}-k`, 'team.who_kind', kind), field(`${id}-w`, 'team.who', who), field(`${id}-r`, 'team.role', role), msg, btn);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(msg);
    const v = who.value.trim();
    if (!v) { msg.append(h('p', { class: 'field-msg error', role: 'alert', i18n: 'team.who_required' })); who.focus(); return; }
    const body = { role: role.value };
    if (kind.value === 'person') body.person = Number(v); else body.username = v.toLowerCase();
    btn.disabled = true;
    try {
      const m = await post(`/teams/${enc(team.id)}/members`, body);
      toast('team.member_added', { name: m.name });
      who.value = '';
      await onDone();
    } catch (err) { msg.append(errorBox(err)); }
    btn.disabled = false;
  });
  return form;
}

async function renderTeam(main, ctx, teamId) {
  const body = h('div', { 'aria-live': 'polite' });
  const head = h('div');
  main.append(head, body);
  const load = async () => {
    const team = await get(`/teams/${enc(teamId)}`, null, { signal: ctx.signal });
    clear(head).append(pageHead('team.title_one', { name: team.name }),
      h('p', null, badge(`team.kind.${team.kind}`, 'run'), ' ', h('span', { class: 'muted', text: team.area })),
      h('p', null, h('a', { href: '#/teams', i18n: 'team.back' }), ' · ', h('a', { href: `#/roster?team=${team.id}`, i18n: 'team.to_roster' })));
    clear(body);
    const card = h('section', { class: 'card', id: 'members', 'aria-labelledby': 'mem-h' }, h('h2', { id: 'mem-h', i18n: 'team.members', vars: { n: team.items.length } }));
    if (!team.items.length) card.append(h('p', { class: 'empty', i18n: 'team.no_members' }));
    else {
      card.append(table([
        { key: 'team.member_name', cell: (m) => h('strong', { text: m.name }) },
        { key: 'team.role', cell: (m) => badge(`team.role.${m.role}`, m.role === 'party_member' ? 'party' : 'ok') },
        { key: 'team.account', cell: (m) => (m.user ? h('span', { i18n: 'team.is_user' }) : h('a', { href: `#/persons/${m.person}`, i18n: 'team.is_person' })) },
        { key: 'common.actions', cell: (m) => (canEditTeams() ? h('button', { type: 'button', class: 'btn btn-small', onclick: async (e) => {
          e.target.disabled = true;
          try { await del(`/teams/${enc(team.id)}/members/${enc(m.id)}`); toast('team.member_removed', { name: m.name }); await load(); } catch (err) {
            e.target.closest('td').append(errorBox(err)); e.target.disabled = false;
          }
        } }, h('span', { i18n: 'action.remove' })) : null) },
      ], team.items, { caption: 'team.members_caption' }));
    }
    if (canEditTeams()) card.append(h('h3', { i18n: 'team.add_member' }), memberForm(team, load));
    body.append(card);
  };
  await load().catch((e) => clear(body).append(errorBox(e)));
}

export default {
  title: 'team.title',
  async render(main, ctx) {
    if (ctx.params.id) { await renderTeam(main, ctx, ctx.params.id); return; }
    const body = h('div', { 'aria-live': 'polite' });
    const list = h('section', { class: 'card', id: 'teams', 'aria-labelledby': 'teams-h' }, h('h2', { id: 'teams-h', i18n: 'team.list' }), body);
    main.append(pageHead('team.title'), h('p', null, h('a', { href: '#/mentors', i18n: 'team.to_mentors' }), ' · ', h('a', { href: '#/roster', i18n: 'team.to_roster' })));
    const load = async () => {
      clear(body).append(loading());
      const r = await get('/teams', { limit: 500 }, { signal: ctx.signal });
      clear(body);
      if (!r.items.length) { body.append(h('p', { class: 'empty', i18n: canEditTeams() ? 'team.none' : 'team.none_read' })); return; }
      body.append(table([
        { key: 'team.name', cell: (x) => h('a', { href: `#/teams/${x.id}`, text: x.name }) },
        { key: 'common.kind', cell: (x) => badge(`team.kind.${x.kind}`, x.kind === 'party_branch' ? 'party' : 'run') },
        { key: 'common.area', cell: (x) => x.area },
        { key: 'team.size', num: true, cell: (x) => fmtNum(x.members) },
      ], r.items, { caption: 'team.list' }));
    };
    if (canEditTeams()) main.append(teamForm(load));
    main.append(list);
    await load();
  },
};
