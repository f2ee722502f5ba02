// A cheap phone: 360 px wide. Nothing scrolls sideways, the menu opens and
// closes, touch targets are big enough, and the work can be done.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, noHorizontalScroll, open, settled, apiAs } from './lib/harness.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

test('at 360×740 every screen fits the width and the menu works', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await page.goto(srv.base);
  await page.locator('input[name=username]').waitFor();
  await noHorizontalScroll(page);
  await shot(page, 'phone-login');
  await login(page, srv, 'panpeng');
  await page.locator('#panel-population table').waitFor();
  await noHorizontalScroll(page);

  // the menu is folded behind a button
  const toggle = page.getByRole('button', { name: '菜单' });
  assert.ok(await toggle.isVisible());
  assert.ok(!(await page.locator('#nav').isVisible()), 'the menu starts folded');
  const box = await toggle.boundingBox();
  assert.ok(box.height >= 44, `the menu button is ${box.height}px high`);
  await shot(page, 'phone-dashboard');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  // in the drawer the groups are folded to their headings and the whole menu fits the screen
  const link = page.locator('#nav-list a', { hasText: '人员查询' });
  assert.ok(!(await link.isVisible()), 'a group other than the current page\'s starts folded');
  const navBox = await page.locator('#nav').boundingBox();
  assert.ok(navBox.y + navBox.height <= 740, `the folded menu ends at ${navBox.y + navBox.height}px`);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '工作总览', 'the focus goes to the current page\'s link');
  const registry = page.getByRole('button', { name: '基础信息' });
  const hb = await registry.boundingBox();
  assert.ok(hb.height >= 44 && hb.width >= 300, `group headings are big touch targets (${hb.width}×${hb.height})`);
  await registry.click();
  assert.equal(await registry.getAttribute('aria-expanded'), 'true');
  assert.ok(await link.isVisible());
  const lb = await link.boundingBox();
  assert.ok(lb.height >= 44 && lb.width >= 300, `menu items are big touch targets (${lb.width}×${lb.height})`);
  await shot(page, 'phone-menu');
  await link.click();
  await page.waitForURL(/#\/persons$/);
  await settled(page);
  assert.ok(!(await page.locator('#nav').isVisible()), 'the menu folds after a choice');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  // opened again on the new page, its group is open with the page marked
  await toggle.click();
  assert.ok(await page.locator('#nav-list a[aria-current=page]', { hasText: '人员查询' }).isVisible());
  assert.ok(!(await page.locator('#nav-list a', { hasText: '检测轮次' }).isVisible()), 'other groups stay folded');
  await toggle.click();

  // a search, its results as cards
  await page.getByLabel('姓名、身份证号、手机号或住址').fill('张丹');
  await page.getByRole('button', { name: '查询' }).click();
  await settled(page);
  await page.locator('#search-results table').waitFor();
  await noHorizontalScroll(page);
  await shot(page, 'phone-search');
  await page.locator('#search-results tbody a').first().click();
  await page.locator('#person-facts').waitFor();
  await noHorizontalScroll(page);

  const api = await apiAs(srv, 'panpeng');
  const hh = (await api('GET', '/households?area=HKG-YH-IT-W12-XR-B1-U1&limit=1')).data.items[0];
  const imp = (await api('GET', '/imports?limit=1')).data.items[0];
  for (const route of ['/areas', '/import', `/import/${imp.id}`, `/households/${hh.id}`, '/merchants', '/lookup', '/persons/new']) {
    await open(page, srv, route);
    await noHorizontalScroll(page);
  }
  // the area picker fits too
  await page.locator('#area-button').click();
  await page.locator('#area-picker .pick').first().waitFor();
  await noHorizontalScroll(page);
  const dlg = await page.locator('#area-picker').boundingBox();
  assert.ok(dlg.width <= 360);
  await page.keyboard.press('Escape');
  noProblems(page);
  await page.context().close();
});

test('at 1920 px the layout uses the width with the menu beside the content', async () => {
  const page = await newPage(browser, { width: 1920, height: 1080 });
  await login(page, srv, 'cuizhengbo');
  await page.locator('#panel-population table').waitFor();
  await noHorizontalScroll(page);
  assert.ok(await page.locator('#nav').isVisible());
  assert.ok(!(await page.getByRole('button', { name: '菜单' }).isVisible()));
  const nav = await page.locator('#nav').boundingBox();
  const main = await page.locator('#main').boundingBox();
  assert.ok(main.x >= nav.x + nav.width - 1, 'the menu sits left of the content');
  noProblems(page);
  await page.context().close();
});

test('beside the desk the menu stays in view while a long page scrolls, and scrolls on its own', async () => {
  const page = await newPage(browser, { width: 1280, height: 720 });
  await login(page, srv, 'panpeng');
  await page.locator('#panel-population table').waitFor();
  const list = page.locator('#nav-list');
  await page.mouse.move(800, 400);
  await page.mouse.wheel(0, 1500);
  await page.waitForFunction(() => window.scrollY > 0);
  const box = await list.boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= 720, `the menu spans ${box.y}..${box.y + box.height}px of 720`);
  // its last link is reached by scrolling the menu itself
  const last = page.locator('#nav-list a').last();
  await last.scrollIntoViewIfNeeded();
  const lb = await last.boundingBox();
  assert.ok(lb.y >= 0 && lb.y + lb.height <= 720);
  await last.click();
  await page.waitForURL(/#\/my-shifts$/);
  noProblems(page);
  await page.context().close();
});
