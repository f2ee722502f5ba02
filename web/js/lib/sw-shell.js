// A phone page's service worker (classic script, loaded with importScripts): keeps the
// page's files so it opens and works with no network (its entries wait in IndexedDB).
// Network first, so a new version is picked up as soon as the server is reachable; the
// cache answers when it is not. API calls are never touched.
// cache: this version's cache name (prefix-vN; older ones of the prefix are removed);
// page: the page's folder ("/collect/"), whose bare and index.html addresses are the page.
/* exported shellWorker */
function shellWorker(cache, page, shell) {
  const prefix = cache.replace(/v\d+$/, '');
  self.addEventListener('install', (e) => {
    e.waitUntil(caches.open(cache).then((c) => c.addAll(shell)).then(() => self.skipWaiting()));
  });
  self.addEventListener('activate', (e) => {
    e.waitUntil(caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(prefix) && k !== cache).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()));
  });
  self.addEventListener('fetch', (e) => {
    const url = new URL(e.request.url);
    if (e.request.method !== 'GET' || url.origin !== self.location.origin) return;
    const bare = page.replace(/\/$/, '');
    const path = url.pathname === bare || url.pathname === `${page}index.html` ? page : url.pathname;
    if (!shell.includes(path)) return;
    e.respondWith(fetch(e.request).then((res) => {
      if (res.ok) {
        const copy = res.clone();
        caches.open(cache).then((c) => c.put(path, copy));
      }
      return res;
    }).catch(() => caches.match(path).then((hit) => hit || Response.error())));
  });
}
