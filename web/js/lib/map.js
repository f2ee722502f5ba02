// Leaflet on demand (web/vendor, copied from npm by scripts/web-build) and a tile
// layer that reports when its server cannot be reached, for the public map and
// the round's map. Both pages have <base href="/">, so one path serves both.
import { h } from '../dom.js';

/** window.L, loading Leaflet's script and stylesheet the first time. */
export function loadLeaflet() {
  if (window.L) return Promise.resolve(window.L);
  return new Promise((resolve, reject) => {
    document.head.append(h('link', { rel: 'stylesheet', href: 'vendor/leaflet/leaflet.css' }));
    const s = h('script', { src: 'vendor/leaflet/leaflet.js' });
    s.onload = () => resolve(window.L);
    s.onerror = () => reject(new Error('leaflet'));
    document.head.append(s);
  });
}

/** A tile layer from a URL template ({z}/{x}/{y}): onFail() once when tiles fail before
 *  any loaded (two errors: one can be a stray), onLoad() when one arrives. */
export function tileLayer(L, url, { onFail, onLoad } = {}) {
  let failed = 0; let loaded = 0;
  const tl = L.tileLayer(url, { maxZoom: 18, attribution: '&copy; OpenStreetMap' });
  tl.on('tileerror', () => { failed++; if (!loaded && failed === 2 && onFail) onFail(); });
  tl.on('tileload', () => { loaded++; if (onLoad) onLoad(); });
  return tl;
}
