// The door-to-door team's service worker: keeps its files so /sweep/ opens and records
// visits with no network (js/offline/sw-shell.js).
importScripts('/js/offline/sw-shell.js');
self.fxOfflineShell({
  cache: 'fx-sweep-v1',
  page: '/sweep/',
  files: [
    '/sweep/sweep.js', '/sweep/sweep.css', '/collect/collect.css', '/js/offline/queue.js', '/js/offline/page.js',
    '/js/i18n.js', '/js/api.js', '/js/dom.js', '/js/errors.js',
    '/i18n/zh-CN.json', '/i18n/en.json', '/img/logo.svg',
  ],
});
