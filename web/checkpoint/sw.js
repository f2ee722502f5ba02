// The checkpoint phone view's service worker: keeps its files so /checkpoint/ opens and
// records entries with no network (js/offline/sw-shell.js).
importScripts('/js/offline/sw-shell.js');
self.fxOfflineShell({
  cache: 'fx-checkpoint-v1',
  page: '/checkpoint/',
  files: [
    '/checkpoint/checkpoint.js', '/checkpoint/checkpoint.css', '/collect/collect.css', '/js/offline/queue.js', '/js/offline/page.js',
    '/js/i18n.js', '/js/api.js', '/js/dom.js', '/js/errors.js', '/js/validate.js',
    '/i18n/zh-CN.json', '/i18n/en.json', '/img/logo.svg',
  ],
});
