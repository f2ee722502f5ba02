// The round's sites, the hub and each vehicle's next stop on a map: Leaflet with
// the server's tile URL (--map-tiles) when there is one and its tiles load, else a
// plain schematic (SVG, points placed by latitude and longitude, named). Either
// way a list says in words where each vehicle goes next.
import { h, clear } from '../dom.js';
import { fmtHM, t } from '../i18n.js';
import { errorBox } from '../errors.js';
import { loadLeaflet, tileLayer } from '../lib/map.js';
import { loadTransport, epochRuns, nextStops } from './plan.js';

const nowS = () => Math.floor(Date.now() / 1000);

/** The points to draw: sites with coordinates, and the hub when it has them. */
function points(setup) {
  const sites = setup.pickups.filter((p) => p.lat != null && p.lng != null)
    .map((p) => ({ id: String(p.site), name: p.name, lat: p.lat, lng: p.lng, hub: false }));
  const hub = setup.hub_lat != null && setup.hub_lng != null ? { id: setup.hub, name: t('tp.hub', { id: setup.hub }), lat: setup.hub_lat, lng: setup.hub_lng, hub: true } : null;
  return { sites, hub, unplaced: setup.pickups.length - sites.length };
}

/** Vehicles heading to each place next: {placeId: [{vehicle, stop}]}. */
function headingTo(next) {
  const by = {};
  for (const [vehicle, stop] of next) (by[stop.at] ||= []).push({ vehicle, stop });
  return by;
}

function schematic(pts, heading, width) {
  const all = pts.hub ? [...pts.sites, pts.hub] : pts.sites;
  // drawn for the box's width, so that the names keep their size on a phone
  const W = Math.round(Math.max(300, Math.min(900, width || 640))); const H = Math.round(Math.max(260, W * 0.6)); const pad = 40;
  const lat0 = (all.reduce((s, p) => s + p.lat, 0) / all.length) * (Math.PI / 180);
  const xs = all.map((p) => p.lng * Math.cos(lat0)); const ys = all.map((p) => -p.lat);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const k = Math.min((W - 2 * pad) / Math.max(1e-9, x1 - x0), (H - 2 * pad) / Math.max(1e-9, y1 - y0));
  const ox = (W - k * (x1 - x0)) / 2; const oy = (H - k * (y1 - y0)) / 2;
  const at = (p) => [Math.round(ox + k * (p.lng * Math.cos(lat0) - x0)), Math.round(oy + k * (-p.lat - y0))];
  const svg = h('svg:svg', { id: 'rmap-schematic', class: 'rmap-schematic', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'rmap-s-title rmap-s-desc' },
    h('svg:title', { id: 'rmap-s-title', i18n: 'rmap.schematic_title' }),
    h('svg:desc', { id: 'rmap-s-desc', i18n: 'rmap.schematic_desc', vars: { n: pts.sites.length } }),
    h('svg:rect', { class: 'rm-frame', x: 1, y: 1, width: W - 2, height: H - 2, rx: 8 }));
  for (const p of all) {
    const [cx, cy] = at(p);
    const going = heading[p.id] || [];
    const g = h('svg:g', { class: p.hub ? 'rm-hub' : 'rm-site', dataset: { id: p.id } },
      h('svg:title', { text: [p.name, ...going.map((x) => t('rmap.next_here', { vehicle: x.vehicle, time: fmtHM(x.stop.arrive_at) }))].join(' · ') }));
    if (going.length) g.append(h('svg:circle', { class: 'rm-next', cx, cy, r: 13 }));
    g.append(p.hub ? h('svg:rect', { class: 'rm-dot', x: cx - 8, y: cy - 8, width: 16, height: 16 }) : h('svg:circle', { class: 'rm-dot', cx, cy, r: 7 }));
    const right = cx < W - Math.min(200, W / 2);
    const label = p.hub ? { i18n: 'tp.hub', vars: { id: p.id } } : { text: p.name }; // the hub's words follow the language
    g.append(h('svg:text', { class: 'rm-label', x: right ? cx + 16 : cx - 16, y: cy + 5, 'text-anchor': right ? 'start' : 'end', ...label }));
    if (going.length) g.append(h('svg:text', { class: 'rm-vehicles', x: right ? cx + 16 : cx - 16, y: cy + 22, 'text-anchor': right ? 'start' : 'end', text: going.map((x) => `▶ ${x.vehicle} ${fmtHM(x.stop.arrive_at)}`).join('  ') }));
    svg.append(g);
  }
  return svg;
}

async function leaflet(box, tiles, pts, heading, onFail) {
  const L = await loadLeaflet();
  const div = h('div', { id: 'rmap-leaflet', class: 'rmap-leaflet', role: 'region', 'aria-label': t('rmap.map_label') });
  box.replaceChildren(div);
  const map = L.map(div, { zoomControl: true });
  const all = pts.hub ? [...pts.sites, pts.hub] : pts.sites;
  tileLayer(L, tiles, { onFail }).addTo(map);
  for (const p of all) {
    const going = heading[p.id] || [];
    const popup = [p.name, ...going.map((x) => t('rmap.next_here', { vehicle: x.vehicle, time: fmtHM(x.stop.arrive_at) }))].join(' · ').replace(/[<>&"]/g, '');
    if (going.length) {
      L.circleMarker([p.lat, p.lng], { radius: 15, className: 'rm-next', color: '#c2410c', weight: 3, fill: false })
        .bindTooltip(going.map((x) => `\u25b6 ${x.vehicle} ${fmtHM(x.stop.arrive_at)}`).join(' ').replace(/[<>&"]/g, ''), { permanent: true, direction: 'left', offset: [-14, 0], className: 'rm-next-tip' })
        .addTo(map);
    }
    L.circleMarker([p.lat, p.lng], { radius: p.hub ? 11 : 8, className: p.hub ? 'rm-hub' : 'rm-site', color: '#fff', weight: 2, fillColor: p.hub ? '#0d2d52' : '#0b5cad', fillOpacity: 0.95 })
      .bindTooltip(p.name.replace(/[<>&"]/g, ''), { permanent: true, direction: 'right', offset: [10, 0] })
      .bindPopup(popup).addTo(map);
  }
  map.fitBounds(all.map((p) => [p.lat, p.lng]), { maxZoom: 15, padding: [32, 32] });
  return map;
}

function nextList(setup, next) {
  const vehicles = [...new Set([...setup.vehicles.map((v) => v.id), ...next.keys()])];
  return h('section', { id: 'rmap-next', 'aria-labelledby': 'rmap-next-h' },
    h('h3', { id: 'rmap-next-h', i18n: 'rmap.next_title' }),
    h('ul', { class: 'rmap-next-list' }, vehicles.map((v) => {
      const s = next.get(v);
      if (!s) return h('li', { dataset: { vehicle: v } }, h('span', { class: 'mono', text: v }), ' ', h('span', { class: 'muted', i18n: 'rmap.no_next' }));
      const hub = s.at === setup.hub;
      const site = setup.pickups.find((p) => String(p.site) === String(s.at));
      return h('li', { dataset: { vehicle: v } }, h('span', { class: 'mono', text: v }), ' → ',
        hub ? h('span', { i18n: 'tp.hub', vars: { id: s.at } }) : h('span', { text: site ? site.name : s.at }), ' · ',
        h('span', { i18n: 'rmap.arrives', vars: { time: fmtHM(s.arrive_at) } }));
    })));
}

export default async function roundMap(el, round, ctx) {
  const out = h('div', { 'aria-live': 'polite' });
  el.append(out);
  let map = null;
  ctx.onCleanup(() => map?.remove());
  try {
    const { setup, cur } = await loadTransport(round.id, ctx.signal);
    if (ctx.stale()) return;
    if (!setup) {
      out.append(h('div', { class: 'card', id: 'tp-none' }, h('p', { class: 'empty', i18n: 'tp.no_setup' }), h('p', { class: 'muted', i18n: 'tp.no_setup_next' })));
      return;
    }
    const pts = points(setup);
    const next = cur ? nextStops(epochRuns(cur), nowS()) : new Map();
    const heading = headingTo(next);
    const note = h('div', { id: 'rmap-note' });
    const box = h('div', { id: 'rmap', class: 'rmap' });
    const card = h('section', { class: 'card', 'aria-labelledby': 'rmap-h' }, h('h2', { id: 'rmap-h', i18n: 'rmap.title' }), note, box);
    out.append(card);
    const say = (key, vars) => note.append(h('p', { class: 'note muted', i18n: key, vars, dataset: { note: key } }));
    if (!cur) say('rmap.no_plan');
    if (!pts.hub) say('rmap.hub_unplaced', { id: setup.hub });
    if (pts.unplaced) say('rmap.unplaced', { n: pts.unplaced });
    card.append(nextList(setup, next));
    if (!pts.sites.length && !pts.hub) { box.append(h('p', { class: 'empty', i18n: 'rmap.nothing_placed' })); return; }
    const plain = (key) => { say(key); box.replaceChildren(schematic(pts, heading, box.clientWidth)); };
    if (!setup.tiles) { plain('rmap.no_tiles'); return; }
    try {
      map = await leaflet(box, setup.tiles, pts, heading, () => plain('rmap.tiles_failed'));
    } catch (e) {
      if (e.name === 'AbortError') return;
      plain('rmap.tiles_failed');
    }
  } catch (e) {
    if (e.name !== 'AbortError') clear(out).append(errorBox(e));
  }
}
