// A driver's runs: in words when there is no plan yet; then, after an officer
// set up a round's transport (a vehicle driven by lijianhua) and made a plan
// through the API, the driver lands on their runs and sees each stop with its
// place, planned times (HH:MM, Asia/Shanghai) and boxes, the next stop marked,
// on a 360 px phone without sideways scrolling. Errors come in words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, apiAs, settled, noHorizontalScroll } from './lib/harness.mjs';
import { transportRound, hm } from './lib/transport.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });


test('no plan yet: the driver lands on their runs and is told so in words', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'lijianhua');
  assert.match(page.url(), /#\/runs$/);
  assert.equal((await page.locator('#main h1').textContent()).trim(), '我的转运');
  await page.locator('#runs .empty').waitFor();
  assert.match(await page.locator('#runs').textContent(), /现在还没有您的转运计划/);
  await noHorizontalScroll(page);
  noProblems(page);
  await page.context().close();
});

test('a planned round: the driver sees their stops, times and boxes, the next stop marked, on a phone', async () => {
  await transportRound(srv);

  // what the driver's API says, to compare with the screen
  const driver = await apiAs(srv, 'lijianhua');
  const mine = await driver('GET', '/transport/my-runs');
  assert.equal(mine.status, 200);
  const runs = mine.data.items.flatMap((it) => it.runs).sort((a, b) => a.depart_at - b.depart_at);
  assert.ok(runs.length >= 1, JSON.stringify(mine.data));
  const stops = runs.flatMap((r) => r.stops);
  assert.ok(stops.some((s) => s.name === '港城公寓核酸点') && stops.some((s) => s.name === '新港学校核酸点'), 'site names in my-runs');
  assert.ok(stops.some((s) => s.hub && s.name === 'LAB'), 'the hub is marked');

  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'lijianhua');
  assert.match(page.url(), /#\/runs$/);
  await page.locator('#runs .runs-run').first().waitFor();
  assert.equal(await page.locator('#runs .runs-run').count(), runs.length);
  assert.equal(await page.locator('#runs .runs-stop').count(), stops.length);
  // the first run: its header, every stop's place, times and boxes in order
  assert.match(await page.locator('#runs .runs-run h2').first().textContent(), new RegExp(`第 1 趟 · 车辆 豫A12345 · ${hm(runs[0].depart_at)} 出发`));
  const items = page.locator('#runs .runs-run').first().locator('.runs-stop');
  for (const [i, s] of runs[0].stops.entries()) {
    const li = items.nth(i);
    assert.equal((await li.locator('.runs-arrive').textContent()).trim(), hm(s.arrive_at));
    assert.equal((await li.locator('.runs-depart').textContent()).trim(), hm(s.depart_at));
    const text = await li.textContent();
    assert.match(text, s.hub ? /检测中心（LAB）/ : new RegExp(s.name));
    if (s.pickup?.length) assert.match(text, new RegExp(`取 ${s.pickup.length} 箱`));
    if (s.drop?.length) assert.match(text, new RegExp(`送达 ${s.drop.length} 箱`));
  }
  // the next stop: the first one of the day (nothing is done yet), marked once
  const next = page.locator('#runs .runs-next');
  assert.equal(await next.count(), 1);
  assert.equal(await next.getAttribute('aria-current'), 'step');
  assert.match(await next.textContent(), /下一站/);
  assert.equal((await next.locator('.runs-arrive').textContent()).trim(), hm(runs[0].stops[0].arrive_at));
  // large type for a phone
  const size = await page.locator('#runs .runs-time').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(size >= 22, `times are ${size}px`);
  await noHorizontalScroll(page);
  await shot(page, 'phone-runs', { fullPage: true });

  // in English, in place
  await page.getByLabel('语言').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal((await page.locator('#main h1').textContent()).trim(), 'My runs');
  assert.match(await next.textContent(), /Next stop/);
  await noHorizontalScroll(page);
  noProblems(page);
  await page.context().close();
});

test('a failing server is explained in words', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'lijianhua');
  await page.route('**/api/v1/transport/my-runs', (route) => route.fulfill({
    status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'boom' } }),
  }));
  await page.locator('#main .page-head button').click();
  const alert = page.locator('#runs [role=alert]');
  await alert.waitFor();
  assert.equal(await alert.getAttribute('data-code'), 'internal');
  await settled(page);
  page.problems = page.problems.filter((p) => !/status of 500/.test(p));
  noProblems(page);
  await page.context().close();
});
