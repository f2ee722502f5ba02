// What the offline phone pages (/collect, /sweep) share: starting up (language, service
// worker), sending when the network comes back, the unsynced counter with the network
// state, and the login form (#login-form with #login-user, #login-pass, #login-error).
import { applyI18n, setLang, preferredLang } from '../i18n.js';
import { post, setCsrf } from '../api.js';
import { h, replace } from '../dom.js';
import { describe } from '../errors.js';

const $ = (id) => document.getElementById(id);

/** The bar: n entries not yet sent, and whether the server was reachable last time. */
export function showSync(n, online) {
  $('unsynced').textContent = String(n);
  $('sync').classList.toggle('has-pending', n > 0);
  const net = $('net');
  net.dataset.i18n = online ? 'collect.online' : 'collect.offline';
  net.className = `net ${online ? 'net-on' : 'net-off'}`;
  applyI18n(net);
}

/** An error the server or the network gave, in words, as an alert of tone (error, warn). */
export function alertOf(err, tone = 'error') {
  const d = describe(err);
  return h('div', { class: `alert alert-${tone}`, role: 'alert' }, h('p', { text: d.what }), d.next ? h('p', { text: d.next }) : null);
}

/** Signs in with the page's login form, then calls signedIn(). */
export function wireLogin(signedIn) {
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    replace($('login-error'));
    try {
      const resp = await post('/session', { username: $('login-user').value.trim(), password: $('login-pass').value }, { quiet401: true });
      setCsrf(resp.csrf);
      $('login-pass').value = '';
      await signedIn();
    } catch (err) {
      replace($('login-error'), alertOf(err));
    }
  });
}

/** Starts the page in folder ("collect"): its language (and #lang-select), wire(), its service
 *  worker, start(), then send(). */
export async function bootPhone(folder, { wire, start, send }) {
  await setLang(preferredLang(), { remember: false });
  $('lang-select').value = preferredLang();
  $('lang-select').addEventListener('change', (e) => setLang(e.target.value));
  wire();
  if ('serviceWorker' in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(`/${folder}/sw.js`, { scope: `/${folder}/` }).catch(() => { /* works without, online */ });
  }
  await start();
  document.body.classList.remove('booting');
  send();
}

/** Sends when the network comes back and every 5 s; onNet(true|false) hears of the network's changes. */
export function keepSending(send, onNet) {
  window.addEventListener('online', () => { onNet(true); send(); });
  window.addEventListener('offline', () => onNet(false));
  setInterval(send, 5000);
}
