// The door-to-door team's service worker: /sweep/ opens with no network (js/lib/sw-shell.js).
importScripts('/js/lib/sw-shell.js');
shellWorker('fx-sweep-v1', '/sweep/', [
  '/sweep/', '/sweep/sweep.js', '/sweep/sweep.css', '/collect/collect.css', '/js/lib/outbox.js', '/js/lib/phone.js',
  '/js/i18n.js', '/js/api.js', '/js/dom.js', '/js/errors.js',
  '/i18n/zh-CN.json', '/i18n/en.json', '/img/logo.svg',
]);
