// The sampling table's service worker: keeps the screen's files so /collect/
// opens and works with no network (js/offline/sw-shell.js).
importScripts('/js/offline/sw-shell.js');
self.fxOfflineShell({
  cache: 'fx-collect-v2',
  page: '/collect/',
  files: [
    '/collect/collect.js', '/collect/queue.js', '/collect/collect.css', '/js/offline/queue.js', '/js/offline/page.js',
    '/js/i18n.js', '/js/api.js', '/js/dom.js', '/js/errors.js', '/js/validate.js',
    '/i18n/zh-CN.json', '/i18n/en.json', '/img/logo.svg',
  ],
});
