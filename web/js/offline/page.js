// What the offline pages (/collect, /checkpoint) share around their queue: the
// header's network and pending count, the login form, the sync problem box, the
// language switch, and starting the service worker. Each page has the same ids:
// #net, #unsynced, #sync, #login-form, #login-user, #login-pass, #login-error,
// #sync-error, #lang-select (and, for the camera, #camera-btn, #camera-dialog,
// #camera-video, #camera-close).
import { setLang, preferredLang, applyI18n, onLangChange } from '../i18n.js';
import { post, setCsrf } from '../api.js';
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
