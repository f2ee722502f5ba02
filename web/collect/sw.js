// The sampling table's service worker: /collect/ opens with no network (js/lib/sw-shell.js).
importScripts('/js/lib/sw-shell.js');
shellWorker('fx-collect-v2', '/collect/', [
  '/collect/', '/collect/collect.js', '/collect/queue.js', '/collect/collect.css', '/js/lib/outbox.js', '/js/lib/phone.js',
  '/js/i18n.js', '/js/api.js', '/js/dom.js', '/js/errors.js', '/js/validate.js',
  '/i18n/zh-CN.json', '/i18n/en.json', '/img/logo.svg',
]);
