// The staff app: boot (language, session, area), the hash router, the shell
// (navigation, area picker, language switch, logout) and session expiry.
import { setLang, preferredLang, currentLang, onLangChange, applyI18n, t } from './i18n.js';
import { get, del, onUnauthorized, setCsrf } from './api.js';
import { state, setArea, savedAreaCode, onAreaChange, isStaff } from './state.js';
import { area, scopeRoots, forget } from './areas.js';
import { clear, h } from './dom.js';
import { renderNav, markCurrent, homeFor } from './nav.js';
import { matchRoute } from './routes.js';
import { mountAreaButton, updateAreaButton } from './area-picker.js';
import { errorBox } from './errors.js';

const main = document.getElementById('main');
let current = null;   // {screen, ctx, path, query}
let renderSeq = 0;
let loginNotice = null; // 'login.expired' | 'login.logged_out'
let returnTo = null;

export function loginNoticeKey() { const k = loginNotice; loginNotice = null; return k; }

function parseHash() {
  let raw = location.hash.replace(/^#/, '');
  try { raw = decodeURI(raw); } catch { /* keep it as typed */ }
  raw = raw || '/';
  const i = raw.indexOf('?');
  return { path: i < 0 ? raw : raw.slice(0, i), query: new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)) };
}

export function go(path, { replace = false } = {}) {
  const target = `#${path}`;
  if (location.hash === target) { render(); return; }
  if (replace) { history.replaceState(null, '', target); render(); } else location.hash = target;
}

/** Change the address to match what the screen now shows, without drawing it again. */
export function replaceRoute(path) {
  history.replaceState(null, '', `#${path}`);
  main.dataset.hash = location.hash;
}

function stopCurrent() {
  if (!current) return;
  current.ctx.controller.abort();
  for (const f of current.ctx.cleanups) { try { f(); } catch (e) { console.error(e); } }
  current = null;
}

async function initArea() {
  const saved = savedAreaCode();
  let a = null;
  if (saved) {
    try { a = await area(saved); } catch { a = null; }
  }
  if (!a) {
    const roots = await scopeRoots();
    a = roots[0] || null;
  }
  setArea(a, { silent: true });
}

async function enterApp(user) {
  state.user = user;
  document.body.classList.remove('logged-out');
  document.getElementById('user-name').textContent = user.display_name || user.username;
  renderNav();
  try { await initArea(); } catch (e) { console.error(e); }
  // the area picker serves the registry's screens; other roles work where they are
  if (isStaff()) mountAreaButton(document.getElementById('area-slot'));
}

export async function loggedIn(resp) {
  setCsrf(resp.csrf);
  forget();
  await enterApp(resp.user);
  const target = returnTo && returnTo !== '/login' ? returnTo : homeFor(resp.user.role);
  returnTo = null;
  go(target, { replace: true });
}

function leaveApp(notice) {
  stopCurrent();
  state.user = null;
  state.area = null;
  forget();
  setCsrf('');
  loginNotice = notice;
  document.body.classList.add('logged-out');
  clear(document.getElementById('nav-list'));
  clear(document.getElementById('area-slot'));
  document.getElementById('user-name').textContent = '';
  go('/login', { replace: true });
}

// A 401 from any call: the session is over (expired, revoked, or logged out elsewhere).
onUnauthorized(() => {
  if (!state.user) return;
  const { path, query } = parseHash();
  returnTo = path + (query.toString() ? `?${query}` : '');
  leaveApp('login.expired');
});

async function logout() {
  try { await del('/session', null, { quiet401: true }); } catch { /* ended anyway */ }
  returnTo = null;
  leaveApp('login.logged_out');
}

function focusHeading() {
  const h1 = main.querySelector('h1');
  if (h1) { if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: false }); } else main.focus();
}

export async function render({ keepFocus = false } = {}) {
  const seq = ++renderSeq;
  const { path, query } = parseHash();
  document.getElementById('nav').classList.remove('open');
  document.getElementById('menu-toggle').setAttribute('aria-expanded', 'false');
  if (!state.user && path !== '/login') {
    returnTo = path === '/' ? null : path + (query.toString() ? `?${query}` : '');
    go('/login', { replace: true });
    return;
  }
  if (state.user && (path === '/' || path === '/login')) {
    go(homeFor(state.user.role), { replace: true });
    return;
  }
  let m = matchRoute(path);
  let params = m ? m.params : {};
  let forbidden = false;
  if (m && !m.route.public && !m.route.roles.includes(state.user.role)) forbidden = true;
  if (forbidden) { m = matchRoute('/forbidden'); params = { path }; }
  stopCurrent();
  main.setAttribute('aria-busy', 'true');
  main.dataset.hash = location.hash;
  const ctx = { params, query, path, route: m && m.route, controller: new AbortController(), cleanups: [] };
  ctx.signal = ctx.controller.signal;
  ctx.onCleanup = (f) => ctx.cleanups.push(f);
  ctx.stale = () => seq !== renderSeq;
  let screen;
  try {
    screen = m ? (await m.route.load()).default : (await import('./screens/notfound.js')).default;
  } catch (e) {
    clear(main).append(errorBox({ code: 'load_failed', status: 0, serverMessage: String(e) }));
    main.setAttribute('aria-busy', 'false');
    return;
  }
  if (seq !== renderSeq) return;
  current = { screen, ctx, path };
  clear(main);
  markCurrent(path);
  document.title = `${t(screen.title || 'app.name')} · ${t('app.name')}`;
  const done = screen.render(main, ctx);
  // a screen may put the focus where work starts (a search box); else the heading gets it
  const inside = () => main.contains(document.activeElement) && document.activeElement !== main;
  if (!keepFocus && !inside()) focusHeading();
  try { await done; } catch (e) {
    if (e.name === 'AbortError' || ctx.stale()) return;
    main.append(errorBox(e));
  }
  if (seq !== renderSeq) return;
  if (!keepFocus && !inside()) focusHeading();
  main.setAttribute('aria-busy', 'false');
}

function wireShell() {
  const toggle = document.getElementById('menu-toggle');
  const nav = document.getElementById('nav');
  toggle.addEventListener('click', () => {
    const open = !nav.classList.contains('open');
    nav.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
    // the current page's link (its group is open), else the first link or group heading
    if (open) { const a = nav.querySelector('a[aria-current=page]') || nav.querySelector('a, .nav-fold'); if (a) a.focus(); }
  });
  document.getElementById('logout').addEventListener('click', logout);
  const sel = document.getElementById('lang-select');
  sel.value = currentLang();
  sel.addEventListener('change', () => setLang(sel.value));
  document.getElementById('skip-link').addEventListener('click', (e) => { e.preventDefault(); focusHeading(); });
  window.addEventListener('hashchange', () => render());
  onLangChange(() => {
    sel.value = currentLang();
    if (current && current.screen.keepOnLangChange) {
      document.title = `${t(current.screen.title || 'app.name')} · ${t('app.name')}`;
    } else render({ keepFocus: true });
  });
  onAreaChange(() => {
    updateAreaButton();
    if (current && current.screen.usesArea) render({ keepFocus: true });
  });
}

async function boot() {
  try {
    await setLang(preferredLang(), { remember: false });
  } catch (e) {
    console.error(e);
  }
  wireShell();
  try {
    const s = await get('/session', null, { quiet401: true });
    await enterApp(s.user);
  } catch (e) {
    if (e.status === 401 && e.code === 'session_expired') loginNotice = 'login.expired';
    else if (e.status !== 401) {
      document.body.classList.remove('booting');
      clear(main).append(h('div', { class: 'login' }, errorBox(e)));
      applyI18n(main);
      return;
    }
  }
  document.body.classList.remove('booting');
  await render();
}

boot();
