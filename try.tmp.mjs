import { chromium } from 'playwright-core';
const B = 'http://127.0.0.1:8099/';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu'] });
const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await ctx.newPage();
page.on('console', (m) => console.log('console', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror', e.message));
await page.goto(B);
await page.waitForSelector('#main h1');
await page.screenshot({ path: '/tmp/ui/s-login.png' });
await page.fill('input[name=username]', process.argv[2] || 'panpeng');
await page.fill('input[name=password]', '5wsp8wzts');
await page.click('button[type=submit]');
await page.waitForTimeout(1500);
console.log('url', page.url());
await page.screenshot({ path: '/tmp/ui/s-home.png', fullPage: true });
for (const r of (process.argv[3] || '').split(',').filter(Boolean)) {
  await page.goto(B + '#' + r);
  await page.waitForTimeout(1200);
  const name = r.replace(/[^a-z0-9]+/gi, '_');
  await page.screenshot({ path: `/tmp/ui/s-${name}.png`, fullPage: true });
  console.log('shot', name);
}
await browser.close();
