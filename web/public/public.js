// /public/ — sampling sites with their status and wait, as a list and (on request)
// a map, and result lookup by ID number and name. No login; small enough for a
// cheap phone on a crowded network: Leaflet is loaded only when the map is opened.
import { setLang, preferredLang, t, fmtTime, onLangChange } from '../js/i18n.js';
import { get, post, ApiError } from '../js/api.js';
import { h, replace } from '../js/dom.js';
import { describe } from '../js/errors.js';
import { checkIdNumber, halfWidth } from '../js/validate.js';
import { loadLeaflet, tileLayer } from '../js/lib/map.js';

const $ = (id) => document.getElementById(id);
const STATUS_ORDER = { clear: 0, busy: 1, congested: 2, resting: 3 };
let sites = [];
let tiles = null;
let map = null;

function hours(min) { return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`; }

function statusBadge(s) {
  return h('span', { class: `status status-${s.status}`, i18n: `public.status.${s.status}` });
}

function renderSites() {
  const q = $('site-filter').value.trim();
  const shown = sites.filter((s) => !q || s.name.includes(q))
    .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.wait_min - b.wait_min);
  replace($('site-list'), shown.length ? shown.map((s) => h('li', { class: 'site' },
    h('div', { class: 'site-head' }, h('strong', { class: 'site-name', text: s.name }), statusBadge(s)),
    s.status === 'resting' ? h('p', { class: 'site-wait', i18n: 'public.resting_hours', vars: { opens: hours(s.opens), closes: hours(s.closes) } })
      : h('p', { class: 'site-wait', i18n: 'public.wait', vars: { n: s.wait_min } }),
    h('p', { class: 'site-hours', i18n: 'public.hours', vars: { opens: hours(s.opens), closes: hours(s.closes) } })))
    : h('li', { class: 'empty', i18n: q ? 'public.no_match_filter' : 'public.no_sites' }));
  if (map) drawMarkers();
}

let updatedAt = 0;
function showUpdated() {
  if (updatedAt) replace($('updated'), h('span', { i18n: 'public.updated', vars: { at: fmtTime(updatedAt) } }));
}

async function loadSites() {
  try {
    const area = new URLSearchParams(location.search).get('area');
    const data = await get('/public/sites', area ? { area } : null);
    sites = data.items;
    tiles = data.tiles;
    updatedAt = data.at;
    showUpdated();
    renderSites();
  } catch (err) {
    replace($('site-list'), h('li', { class: 'alert', role: 'alert', text: describe(err).what }));
  }
}

/* ---- the map: Leaflet and its tiles only when asked for ---- */
const COLORS = { clear: '#1e6b34', busy: '#b7791f', congested: '#b3261e', resting: '#6b7280' };
let layer = null;
function drawMarkers() {
  const L = window.L;
  if (layer) layer.remove();
  layer = L.layerGroup().addTo(map);
  const pts = [];
  for (const s of sites) {
    if (s.lat == null || s.lng == null) continue;
    pts.push([s.lat, s.lng]);
    L.circleMarker([s.lat, s.lng], { radius: 10, color: '#fff', weight: 2, fillColor: COLORS[s.status], fillOpacity: 0.95 })
      .bindPopup(`${s.name.replace(/[<>&"]/g, '')} \u00b7 ${t(`public.status.${s.status}`)}${s.status === 'resting' ? '' : ` \u00b7 ${t('public.wait', { n: s.wait_min })}`}`)
      .addTo(layer);
  }
  if (pts.length) map.fitBounds(pts, { maxZoom: 15, padding: [24, 24] });
}

function mapNote(key) {
  replace($('map-note'), key ? h('p', { class: 'note', i18n: key }) : null);
}

async function toggleMap() {
  const btn = $('map-btn');
  const open = btn.getAttribute('aria-pressed') !== 'true';
  btn.setAttribute('aria-pressed', String(open));
  btn.dataset.i18n = open ? 'public.hide_map' : 'public.show_map';
  btn.textContent = t(btn.dataset.i18n);
  $('map').hidden = !open;
  if (!open) { mapNote(null); return; }
  if (!tiles) { $('map').hidden = true; mapNote('public.map_off'); return; }
  try {
    const L = await loadLeaflet();
    if (!map) {
      map = L.map('map', { zoomControl: true }).setView([34.53, 113.85], 12);
      // tiles that cannot be fetched: say so, and the list stays the way to read the sites
      tileLayer(L, tiles, {
        onFail: () => { mapNote('public.tiles_failed'); $('map').classList.add('no-tiles'); },
        onLoad: () => { mapNote(null); $('map').classList.remove('no-tiles'); },
      }).addTo(map);
    }
    map.invalidateSize();
    drawMarkers();
  } catch {
    $('map').hidden = true;
    mapNote('public.tiles_failed');
  }
}

/* ---- result lookup ---- */
function checkId() {
  const v = $('lookup-id').value;
  const s = halfWidth(v);
  const bad = s.length >= 15 || !/^\d*X?$/i.test(s) ? checkIdNumber(v) : null;
  $('lookup-id-check').textContent = bad ? t(bad) : '';
  $('lookup-id').setAttribute('aria-invalid', bad ? 'true' : 'false');
  return !bad;
}

function resultCard(r) {
  const key = r.result ? `public.result.${r.result}` : (r.sampled ? 'public.result.pending' : 'public.result.not_sampled');
  return h('div', { class: `result result-${r.result || 'pending'}` },
    h('p', { class: 'result-who' }, h('span', { text: r.name }), ' ', h('span', { class: 'mono', text: r.id_number })),
    h('p', { class: 'result-main', i18n: key }),
    r.sampled ? h('p', { i18n: 'public.sampled_at', vars: { at: fmtTime(r.sampled_at), site: r.site } }) : null,
    r.result ? h('p', { i18n: 'public.result_at', vars: { at: fmtTime(r.result_at) } }) : null);
}

async function lookup(e) {
  e.preventDefault();
  const name = $('lookup-name').value.trim();
  const okId = checkId() && halfWidth($('lookup-id').value) !== '';
  if (!okId || !name) {
    replace($('lookup-result'), h('p', { class: 'alert', role: 'alert', i18n: 'public.fill_both' }));
    return;
  }
  replace($('lookup-result'), h('p', { class: 'hint', i18n: 'public.looking' }));
  try {
    const r = await post('/public/results/lookup', { id_number: halfWidth($('lookup-id').value), name });
    replace($('lookup-result'), resultCard(r));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      replace($('lookup-result'), h('div', { class: 'alert', role: 'alert' }, h('p', { i18n: 'public.not_found' }), h('p', { i18n: 'public.not_found_next' })));
    } else {
      const d = describe(err);
      replace($('lookup-result'), h('div', { class: 'alert', role: 'alert' }, h('p', { text: d.what }), d.next ? h('p', { text: d.next }) : null));
    }
  }
}

function route() {
  const lookupView = location.hash === '#lookup';
  $('sites-view').hidden = lookupView;
  $('lookup-view').hidden = !lookupView;
  $('tab-sites').setAttribute('aria-current', lookupView ? 'false' : 'page');
  $('tab-lookup').setAttribute('aria-current', lookupView ? 'page' : 'false');
}

async function boot() {
  await setLang(preferredLang(), { remember: false });
  $('lang-select').value = preferredLang();
  $('lang-select').addEventListener('change', (e) => setLang(e.target.value));
  onLangChange(() => { showUpdated(); if (sites.length) renderSites(); checkId(); });
  $('site-filter').addEventListener('input', renderSites);
  $('map-btn').addEventListener('click', toggleMap);
  $('lookup-id').addEventListener('input', checkId);
  $('lookup-form').addEventListener('submit', lookup);
  window.addEventListener('hashchange', route);
  route();
  await loadSites();
  setInterval(() => { if (!document.hidden) loadSites(); }, 30000); // waits change; the server caches the list
  document.body.dataset.ready = 'true';
}

boot();
