// What the offline pages (/collect, /checkpoint, /sweep) share around their queue: the
// header (title, where, network and pending count, language switch), the login view,
// the sync problem box, the language switch, starting the service worker, and the
// boot order (bootPage). Each page's HTML holds only its own views inside <main>;
// bootPage puts the header in front of it and the login view first inside it, with
// the ids the functions below use: #where, #net, #unsynced, #sync, #login-view,
// #login-form, #login-user, #login-pass, #login-error, #lang-select; the page has
// #sync-error (and, for the camera, #camera-btn, #camera-dialog, #camera-video,
// #camera-close).
import { setLang, preferredLang, applyI18n, onLangChange } from '../i18n.js';
import { post, setCsrf, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { describe } from '../errors.js';

const $ = (id) => document.getElementById(id);

/** An error in words: what happened, and what to do. */
export function alertBox(err, kind = 'error') {
  const d = describe(err);
  return h('div', { class: `alert alert-${kind}`, role: 'alert' }, h('p', { text: d.what }), d.next ? h('p', { text: d.next }) : null);
}

/** The header: online or offline (catalogue prefix: PREFIX.online / PREFIX.offline), and how many wait. */
export function renderStatus(prefix, online, pending) {
  $('unsynced').textContent = String(pending);
  $('sync').classList.toggle('has-pending', pending > 0);
  const net = $('net');
  net.dataset.i18n = online ? `${prefix}.online` : `${prefix}.offline`;
  net.className = `net ${online ? 'net-on' : 'net-off'}`;
  applyI18n(net);
}

/** Why a sync failed, under the form: log in again (PREFIX.login_to_send, PREFIX.login_again),
 *  or the server's refusal in words; nothing for a lost network (the header says so). */
export function showSyncProblem(prefix, err, onLogin) {
  if (err.status === 401) {
    replace($('sync-error'), h('div', { class: 'alert alert-warn', role: 'alert' }, h('p', { i18n: `${prefix}.login_to_send` }),
      h('button', { type: 'button', class: 'btn', i18n: `${prefix}.login_again`, onclick: onLogin })));
  } else if (err.status !== 0) replace($('sync-error'), alertBox(err, 'warn'));
}

/** The page's sending: returns trySync(), which sends what waits with send() (the page's queue.sync)
 *  and hands the answers to onAnswered; a failure says why (PREFIX's texts, showSyncProblem) and tries
 *  again after 2 s, doubling to 30 s, or after the server's Retry-After. setOnline(bool) is told what
 *  the network did; redraw() runs after each try, idle() when nothing waits. */
export function sendLoop({ prefix, queue, send, onAnswered, setOnline, onLogin, redraw, idle }) {
  let retryTimer = 0;
  let backoff = 2000;
  async function trySync() {
    clearTimeout(retryTimer);
    if (!(await queue.pendingCount())) { await idle(); return; }
    try {
      const answered = await send();
      setOnline(true);
      backoff = 2000;
      replace($('sync-error'));
      await onAnswered(answered);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 0) setOnline(false);
      showSyncProblem(prefix, err, onLogin);
      const wait = err.retryAfter ? err.retryAfter * 1000 : backoff;
      backoff = Math.min(backoff * 2, 30000);
      retryTimer = setTimeout(trySync, wait);
    }
    await redraw();
  }
  return trySync;
}

/** The login form: a session, then onLoggedIn(). */
export function wireLogin(onLoggedIn) {
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    replace($('login-error'));
    try {
      const resp = await post('/session', { username: $('login-user').value.trim(), password: $('login-pass').value }, { quiet401: true });
      setCsrf(resp.csrf);
      $('login-pass').value = '';
      await onLoggedIn();
    } catch (err) {
      replace($('login-error'), alertBox(err));
    }
  });
}

/** The language switch, redrawing with render(). */
export function wireLang(render) {
  $('lang-select').value = preferredLang();
  $('lang-select').addEventListener('change', (e) => setLang(e.target.value));
  onLangChange(() => render());
}

/** Sends when the network comes back and every 5 s; tells setOnline what the browser says. */
export function wireSync(trySync, setOnline) {
  window.addEventListener('online', () => { setOnline(true); trySync(); });
  window.addEventListener('offline', () => setOnline(false));
  setInterval(trySync, 5000);
}

/** The page's service worker (a secure context only; the page works online without it). */
export function startWorker(scope) {
  if ('serviceWorker' in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(`${scope}sw.js`, { scope }).catch(() => { /* works without, online */ });
  }
}

/** Scanning with the phone's camera where the browser can read codes (BarcodeDetector):
 *  the button shows, and each code read (Code 128 or QR) goes to onCode. */
export function wireCamera(onCode, onDenied) {
  if (!('BarcodeDetector' in window)) return;
  const btn = $('camera-btn'); const dlg = $('camera-dialog'); const video = $('camera-video');
  btn.hidden = false;
  let stream = null; let timer = 0;
  const stop = () => { clearInterval(timer); if (stream) stream.getTracks().forEach((tr) => tr.stop()); stream = null; if (dlg.open) dlg.close(); };
  $('camera-close').addEventListener('click', stop);
  btn.addEventListener('click', async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    } catch { onDenied(); return; }
    const detector = new BarcodeDetector({ formats: ['code_128', 'qr_code'] });
    video.srcObject = stream;
    dlg.showModal();
    await video.play();
    timer = setInterval(async () => {
      const found = await detector.detect(video).catch(() => []);
      if (found.length) { const v = found[0].rawValue; stop(); await onCode(v); }
    }, 250);
  });
}

// Catalogue keys as data-i18n only: the texts are filled when the language is set (setLang).
const k = (key) => (key ? { i18n: key } : undefined);

/** The header and the login view, drawn before the language is set. shell: the page's catalogue keys
 *  { title, unsynced, loginTitle, loginHint? } and bigLogin (a big submit button). */
function mountShell({ title, unsynced, loginTitle, loginHint, bigLogin }) {
  const header = h('header', { class: 'bar' },
    h('h1', { class: 'bar-title', dataset: k(title) }),
    h('p', { class: 'where', id: 'where' }),
    h('p', { class: 'sync', id: 'sync', role: 'status', 'aria-live': 'polite' },
      h('span', { class: 'net', id: 'net' }), ' ',
      h('span', { id: 'unsynced-label', dataset: k(unsynced) }), ' ',
      h('strong', { id: 'unsynced', text: '0' })),
    h('a', { class: 'bar-home', href: '/', dataset: k('phone.home') }), // back to the app's menu
    h('label', { class: 'sr-only', for: 'lang-select', dataset: k('lang.label') }),
    h('select', { id: 'lang-select', class: 'lang-select' },
      h('option', { value: 'zh-CN', lang: 'zh-CN', dataset: k('lang.zh-CN') }),
      h('option', { value: 'en', lang: 'en', dataset: k('lang.en') })));
  const login = h('section', { id: 'login-view', hidden: true, 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title', dataset: k(loginTitle) }),
    loginHint ? h('p', { class: 'hint', dataset: k(loginHint) }) : null,
    h('form', { id: 'login-form', class: 'form', novalidate: true },
      h('label', { for: 'login-user', dataset: k('login.username') }),
      h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true }),
      h('label', { for: 'login-pass', dataset: k('login.password') }),
      h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
      h('div', { id: 'login-error' }),
      h('button', { type: 'submit', class: bigLogin ? 'btn btn-primary btn-big' : 'btn btn-primary', dataset: k('login.submit') })));
  const main = $('main');
  main.before(header);
  main.prepend(login);
}

/** Starts an offline page that lives at SCOPE ('/collect/'; its service worker's scope): the bare path
 *  moves there; otherwise the header and login view are drawn (shell, as mountShell), the language set,
 *  the page wired — language switch, login (then start and sync), the page's own wire(), sending when the
 *  network comes back (sync, setOnline) — records older than keepMs dropped from queue, the worker
 *  started, the page started, and what waits sent. */
export function bootPage({ scope, shell, queue, keepMs, wire, start, render, sync, setOnline }) {
  if (location.pathname === scope.slice(0, -1)) {
    location.replace(`${scope}${location.search}${location.hash}`);
    return;
  }
  mountShell(shell);
  (async () => {
    await setLang(preferredLang(), { remember: false });
    wireLang(render);
    wireLogin(async () => { await start(); sync(); });
    wire();
    wireSync(sync, setOnline);
    queue.prune(keepMs);
    startWorker(scope);
    await start();
    document.body.classList.remove('booting');
    sync();
  })();
}
