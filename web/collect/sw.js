// The sampling table's service worker: keeps the screen's files so /collect/
// opens and works with no network (the events themselves wait in IndexedDB).
// Network first, so a new version is picked up as soon as the server is
// reachable; the cache answers when it is not. API calls are never touched.
const CACHE = 'fx-collect-v1';
const SHELL = [
  '/collect/', '/collect/collect.js', '/collect/queue.js', '/collect/collect.css',
  '/js/i18n.js', '/js/api.js', '/js/dom.js', '/js/errors.js', '/js/validate.js',
  '/i18n/zh-CN.json', '/i18n/en.json', '/img/logo.svg',
];

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('fx-collect-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== self.location.origin) return;
  const path = url.pathname === '/collect' || url.pathname === '/collect/index.html' ? '/collect/' : url.pathname;
  if (!SHELL.includes(path)) return;
  e.respondWith(fetch(e.request).then((res) => {
    if (res.ok) {
      const copy = res.clone();
      caches.open(CACHE).then((c) => c.put(path, copy));
    }
    return res;
  }).catch(() => caches.match(path).then((hit) => hit || Response.error())));
});
