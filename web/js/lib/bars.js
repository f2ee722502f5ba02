// Bar charts in plain SVG (horizontal bars, and columns over time) (no inline styles: colours come from
// app.css classes). The table next to it carries the same numbers for screen
// readers, so the chart itself is one labelled image.
import { h } from '../dom.js';
import { fmtNum } from '../i18n.js';

export function barChart(rows, { label, max = 12 } = {}) {
  const data = rows.slice().sort((a, b) => b.value - a.value).slice(0, max);
  // drawn for the screen's width, so that its text stays readable on a phone
  const W = Math.round(Math.max(300, Math.min(640, window.innerWidth - 64)));
  const labelW = Math.round(W * 0.27); const valueW = 64; const barH = 22; const gap = 8;
  const chars = Math.max(5, Math.floor(labelW / 14));
  const H = data.length * (barH + gap) + gap;
  const top = Math.max(1, ...data.map((d) => d.value));
  const svg = h('svg:svg', { class: 'chart', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, preserveAspectRatio: 'xMinYMin meet' });
  svg.append(h('svg:line', { class: 'axis', x1: labelW, y1: 0, x2: labelW, y2: H }));
  data.forEach((d, i) => {
    const y = gap + i * (barH + gap);
    const w = Math.max(d.value > 0 ? 2 : 0, Math.round(((W - labelW - valueW) * d.value) / top));
    const name = d.label.length > chars ? `${d.label.slice(0, chars - 1)}…` : d.label;
    const g = h('svg:g', null,
      h('svg:title', { text: `${d.label}: ${fmtNum(d.value)}` }),
      h('svg:text', { class: 'bar-label', x: labelW - 8, y: y + barH / 2 + 5, 'text-anchor': 'end', text: name }),
      h('svg:rect', { class: 'bar', x: labelW, y, width: w, height: barH, rx: 3 }),
      h('svg:text', { class: 'bar-value', x: labelW + w + 6, y: y + barH / 2 + 4, text: fmtNum(d.value) }));
    svg.append(g);
  });
  return svg;
}

/** Columns over time (hourly progress): one bar per item, its label under it,
 *  the value above it. One labelled image; a table carries the numbers. */
export function columnChart(rows, { label } = {}) {
  const W = Math.round(Math.max(300, Math.min(900, window.innerWidth - 64)));
  const H = 200; const base = H - 24; const top = 18;
  const n = Math.max(1, rows.length);
  const step = W / n; const barW = Math.max(3, Math.min(40, step * 0.7));
  const max = Math.max(1, ...rows.map((d) => d.value));
  const every = Math.ceil((n * 44) / W); // label every k-th column so labels never overlap
  const svg = h('svg:svg', { class: 'chart', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, preserveAspectRatio: 'xMinYMin meet' });
  svg.append(h('svg:line', { class: 'axis', x1: 0, y1: base, x2: W, y2: base }));
  rows.forEach((d, i) => {
    const x = i * step + (step - barW) / 2;
    const hgt = Math.max(d.value > 0 ? 2 : 0, Math.round(((base - top) * d.value) / max));
    svg.append(h('svg:g', null,
      h('svg:title', { text: `${d.label}: ${fmtNum(d.value)}` }),
      h('svg:rect', { class: 'bar', x, y: base - hgt, width: barW, height: hgt, rx: 2 }),
      n <= 24 ? h('svg:text', { class: 'bar-value', x: x + barW / 2, y: base - hgt - 4, 'text-anchor': 'middle', text: fmtNum(d.value) }) : null,
      i % every === 0 ? h('svg:text', { class: 'bar-label', x: x + barW / 2, y: H - 6, 'text-anchor': 'middle', text: d.label }) : null));
  });
  return svg;
}
