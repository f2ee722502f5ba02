// bench/dashboard.mjs — how long the officer's dashboard takes to load, in Debian's chromium,
// from navigation to every panel drawn, on a given database (e.g. a 25 M-person city from
// `fangxian demo --people 25000000`) against the same on a seed-sized demo in the same run.
//
//   node bench/dashboard.mjs BIG.db PASSWORD AREA [LOADS]
//     BIG.db    a database made by `fangxian demo` (PASSWORD is the one it printed)
//     AREA      the area code the dashboard shows (e.g. ZY, a district of the city)
//   Builds nothing: uses bin/fangxian (make bin/fangxian). Prints a Markdown table row per database.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin/fangxian');
const [bigDb, bigPassword, area, loadsArg] = process.argv.slice(2);
if (!bigDb || !bigPassword || !area) {
  console.error('usage: node bench/dashboard.mjs BIG.db PASSWORD AREA [LOADS]');
  process.exit(2);
}
const LOADS = Number(loadsArg || 30);

async function serve(db) {
  const dir = mkdtempSync(join(tmpdir(), 'fx-dash-'));
  const portFile = join(dir, 'port');
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--port-file', portFile,
    '--web', join(ROOT, 'web'), '--no-request-log'], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 600; i++) {
    if (existsSync(portFile) && /^\d+\n$/.test(readFileSync(portFile, 'utf8'))) break;
    await sleep(50);
  }
  const port = Number(readFileSync(portFile, 'utf8'));
  return { base: `http://127.0.0.1:${port}`, stop: () => { proc.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); } };
}

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function measure(browser, db, password, code) {
  const srv = await serve(db);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  // log in once through the API (the session cookie is what the UI uses), then choose the area
  const r = await page.request.post(`${srv.base}/api/v1/session`, { data: { username: 'admin', password } });
  if (r.status() !== 200) throw new Error(`login on ${db}: ${r.status()}`);
  // a returning admin who last worked on that area (the app keeps it in localStorage)
  await ctx.addInitScript((c) => localStorage.setItem('fx.area.admin', c), code);
  const times = [];
  const api = [];
  let first = 0;
  for (let i = 0; i <= LOADS; i++) {
    await page.goto('about:blank'); // a whole page load each time, not a hash change
    await page.goto(`${srv.base}/#/dashboard`, { waitUntil: 'commit' });
    await page.waitForFunction(() => {
      const bodies = [...document.querySelectorAll('.panel .panel-body')];
      return bodies.length >= 2 && bodies.every((b) => b.firstChild && !b.querySelector('.loading'));
    }, null, { timeout: 30000, polling: 'raf' });
    const ms = await page.evaluate(() => performance.now());
    const calls = await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/v1/areas/') || e.name.includes('/api/v1/imports'))
      .map((e) => e.responseEnd - e.requestStart));
    if (i === 0) first = ms; else { times.push(ms); api.push(...calls); }
    const err = await page.locator('.panel .error').count();
    if (err) throw new Error(`a panel shows an error on ${db}`);
  }
  const shown = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name)
    .find((n) => /\/api\/v1\/areas\/[^/]+\/stats/.test(n)));
  if (!shown || !shown.includes(`/areas/${code}/stats`)) throw new Error(`the dashboard showed ${shown}, not ${code}`);
  const persons = await page.evaluate(async (c) => (await (await fetch(`/api/v1/areas/${c}/stats`)).json()).persons, code);
  await ctx.close();
  srv.stop();
  return { first, p50: pct(times, 50), p95: pct(times, 95), api50: pct(api, 50), api95: pct(api, 95), persons };
}

const browser = await chromium.launch({ executablePath: process.env.FXT_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'] });
// the reference: a seed-sized demo made now, in this run
const dir = mkdtempSync(join(tmpdir(), 'fx-dash-ref-'));
const refDb = join(dir, 'ref.db');
const out = execFileSync(BIN, ['demo', '--db', refDb]).toString();
const refPassword = out.match(/password (\S+) :/)[1];
const ref = await measure(browser, refDb, refPassword, 'HKG');
const big = await measure(browser, bigDb, bigPassword, area);
await browser.close();
rmSync(dir, { recursive: true, force: true });
const f = (x) => `${x.toFixed(0)} ms`;
console.log('| database | area persons | first load | p50 | p95 | API p50 / p95 | p50 ratio to seed |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const [name, m] of [['seed demo (reference)', ref], [bigDb, big]])
  console.log(`| ${name} | ${m.persons.toLocaleString('en')} | ${f(m.first)} | ${f(m.p50)} | ${f(m.p95)} | ` +
    `${m.api50.toFixed(1)} / ${m.api95.toFixed(1)} ms | ${(m.p50 / ref.p50).toFixed(2)} |`);
