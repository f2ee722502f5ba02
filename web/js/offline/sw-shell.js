// Shared by the offline pages' service workers (importScripts): keeps a page's
// files so it opens and works with no network (its records wait in IndexedDB,
// js/offline/queue.js). Network first, so a new version is picked up as soon as
// the server is reachable; the cache answers when it is not. API calls are never
// touched.
//   importScripts('/js/offline/sw-shell.js');
//   fxOfflineShell({ cache: 'fx-collect-v2', page: '/collect/', files: ['/collect/collect.js', …] });
// cache: NAME-vN; older versions of NAME are dropped when this one activates.
self.fxOfflineShell = ({ cache, page, files }) => {
  const shell = [page, ...files];
  const family = cache.replace(/v\d+$/, '');
  self.addEventListener('install', (e) => {
    e.waitUntil(caches.open(cache).then((c) => c.addAll(shell)).then(() => self.skipWaiting()));
  });
  self.addEventListener('activate', (e) => {
    e.waitUntil(caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(family) && k !== cache).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()));
  });
  self.addEventListener('fetch', (e) => {
    const url = new URL(e.request.url);
    if (e.request.method !== 'GET' || url.origin !== self.location.origin) return;
    const path = url.pathname === page.slice(0, -1) || url.pathname === `${page}index.html` ? page : url.pathname;
    if (!shell.includes(path)) return;
    e.respondWith(fetch(e.request).then((res) => {
      if (res.ok) {
        const copy = res.clone();
        caches.open(cache).then((c) => c.put(path, copy));
      }
      return res;
    }).catch(() => caches.match(path).then((hit) => hit || Response.error())));
  });
};
