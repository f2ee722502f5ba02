// Shared by the browser tests: a fangxian server of its own for each test
// file (init + demo in a temp dir, port 0 with --port-file), Debian's chromium
// driven by playwright-core, and small helpers.
//   FXT_BIN              the binary (default build/test/fangxian, the sanitizer build)
//   FXT_CHROMIUM         the browser (default /usr/bin/chromium)
//   FXT_SCREENSHOTS_DIR  when set, screenshots are saved there (npm run screenshots)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const WEB = join(ROOT, 'web');

/** The server sends a file's .gz twin when there is one: a twin older than an edit would
 *  hide the edit, so stale twins are written again (scripts/web-build) before a test. */
function freshTwins() {
  const stale = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.gz') && (!existsSync(p.slice(0, -3)) || !gunzipSync(readFileSync(p)).equals(readFileSync(p.slice(0, -3))))) stale.push(p);
    }
  };
  walk(WEB);
  if (stale.length) execFileSync(join(ROOT, 'scripts/web-build'), { stdio: 'inherit' });
}

/** args: more `serve` options (e.g. ['--map-tiles', URL]). */
export async function startServer({ people, args = [] } = {}) {
  freshTwins();
  const bin = resolve(ROOT, process.env.FXT_BIN || 'build/test/fangxian');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run make test (or set FXT_BIN=bin/fangxian)`);
  const dir = mkdtempSync(join(tmpdir(), 'fx-browser-'));
  const db = join(dir, 'fx.db');
  execFileSync(bin, ['init', '--db', db], { stdio: 'pipe' });
  const demoArgs = ['demo', '--db', db];
  if (people) demoArgs.push('--people', String(people));
  const out = execFileSync(bin, demoArgs, { stdio: 'pipe' }).toString();
  const m = out.match(/password (\S+) :/);
  if (!m) throw new Error(`no password in the demo's output:\n${out}`);
  const portFile = join(dir, 'port');
  let stderr = '';
  const proc = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--port-file', portFile, '--web', WEB, '--no-request-log', ...args],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr.on('data', (d) => { stderr += d; });
  let port = 0;
  for (let i = 0; i < 300 && !port; i++) {
    if (proc.exitCode != null) throw new Error(`the server exited (${proc.exitCode}):\n${stderr}`);
    if (existsSync(portFile)) {
      const s = readFileSync(portFile, 'utf8');
      if (/^\d+\n$/.test(s)) port = Number(s);
    }
    if (!port) await sleep(50);
  }
  if (!port) throw new Error(`the server did not start:\n${stderr}`);
  const base = `http://127.0.0.1:${port}/`;
  return {
    base, password: m[1], dir, db, bin,
    stderr: () => stderr,
    async stop() {
      if (proc.exitCode == null) {
        proc.kill('SIGTERM');
        const ac = new AbortController();
        await Promise.race([new Promise((r) => proc.once('exit', r)), sleep(10000, null, { signal: ac.signal }).catch(() => {})]);
        ac.abort(); // a pending timer would keep this process alive for nothing
        if (proc.exitCode == null) proc.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium, headless. playwright gives each launch a fresh
 *  --user-data-dir of its own (a temp dir it deletes on close). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.FXT_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh context (own cookies and storage) and page; console errors, page
 *  errors and missing catalogue keys are collected in page.problems. */
export async function newPage(browser, { width = 1280, height = 800, acceptDownloads = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN', acceptDownloads, timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.problems = [];
  page.on('console', (msg) => {
    const text = msg.text();
    // the browser reports every refused API call (a 401 before login, a 400 on purpose) as a console
    // error without its address; the static files' answers are checked below instead
    if (msg.type() === 'error' && /Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    if (msg.type() === 'error' || /i18n: missing key/.test(text)) page.problems.push(`${msg.type()}: ${text}`);
  });
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('response', (res) => {
    if (!res.url().includes('/api/') && res.status() >= 400) page.problems.push(`static ${res.status()}: ${res.url()}`);
  });
  return page;
}

export async function login(page, srv, username, { password = srv.password } = {}) {
  await page.goto(srv.base);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('form button[type=submit]').click();
  await page.waitForFunction(() => document.querySelector('#nav-list a') && !/^#\/login/.test(location.hash));
  await settled(page);
}

/** The API from node, as a user (Bearer token). */
export async function apiAs(srv, username) {
  const r = await fetch(`${srv.base}api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: srv.password }),
  });
  assert.equal(r.status, 200, `login ${username}`);
  const { token } = await r.json();
  return async (method, path, body) => {
    const res = await fetch(`${srv.base}api/v1${path}`, {
      method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
    return { status: res.status, data };
  };
}

/** Wait until the app has finished drawing the screen of the current address. */
export async function settled(page) {
  await page.waitForFunction(() => {
    const m = document.getElementById('main');
    return m && m.dataset.hash === location.hash && m.getAttribute('aria-busy') === 'false';
  });
}

/** Open a screen by its route ('/persons?q=…') and wait until it is drawn. */
export async function open(page, srv, route) {
  await page.goto(`${srv.base}#${route}`);
  await settled(page);
}

/** A screenshot of the viewport (1280×800 unless the test says otherwise), when asked for. */
export async function shot(page, name, { fullPage = false } = {}) {
  const dir = process.env.FXT_SCREENSHOTS_DIR;
  if (!dir) return;
  const out = resolve(ROOT, dir);
  mkdirSync(out, { recursive: true });
  await page.waitForTimeout(150); // let the last paint settle
  await page.screenshot({ path: join(out, `${name}.png`), fullPage });
}

export async function noHorizontalScroll(page) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw, `the page scrolls sideways: ${sw}px of content in ${cw}px`);
}

/** Every form control has an accessible name: a <label for>, a wrapping label, aria-label or aria-labelledby. */
export async function unlabelledControls(page) {
  return page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && el.offsetParent !== null)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.outerHTML.slice(0, 120)));
}

export function noProblems(page) {
  assert.deepEqual(page.problems, [], 'console errors or missing catalogue keys');
}

/** A person whose ID number we know, from the staff's own search. */
export async function somePerson(srv) {
  const api = await apiAs(srv, 'panpeng');
  const r = await api('GET', '/persons?q=%E5%BC%A0&limit=5');
  assert.equal(r.status, 200);
  assert.ok(r.data.items.length > 0, 'the demo has people named 张…');
  return r.data.items[0];
}
