// scripts/demo-screenshots.mjs — screenshots of the demo's operations day for docs/screenshots/:
// `make web && node scripts/demo-screenshots.mjs` (build/test/fangxian, or FXT_BIN=bin/fangxian).
import { execFileSync } from 'node:child_process';
import { startServer, launchBrowser, newPage, login, open, shot } from '../tests/browser/lib/harness.mjs';

process.env.FXT_SCREENSHOTS_DIR ||= 'docs/screenshots';
const srv = await startServer();
const browser = await launchBrowser();
try {
  execFileSync(srv.bin, ['demo-ops', '--db', srv.db], { stdio: 'pipe' });
  const views = [
    ['cuizhengbo', '/dashboard', 'demo-ops-dashboard'],
    ['cuizhengbo', '/rounds', 'demo-ops-rounds'],
    ['cuizhengbo', '/isolation', 'demo-ops-isolation'],
    ['cuizhengbo', '/zones', 'demo-ops-zones'],
    ['cuizhengbo', '/workorders', 'demo-ops-workorders'],
    ['cuizhengbo', '/supplies/forecast', 'demo-ops-supplies-forecast'],
    ['lijunchuan', '/roster', 'demo-ops-roster'],
    ['lijunchuan', '/sweeps', 'demo-ops-sweeps'],
  ];
  let who = '', page = null;
  for (const [user, route, name] of views) {
    if (user !== who) {
      await page?.close();
      page = await newPage(browser);
      await login(page, srv, user);
      who = user;
    }
    await open(page, srv, route);
    await shot(page, name);
  }
  await page?.close();
} finally {
  await browser.close();
  await srv.stop();
}
