// Garbage rounds and door sensors: staff plan a round over a building on a phone (a
// wrong area refused in words) and mark households collected one tap each; register
// a door sensor to a household and see its token once, disable it; approve a
// door-opening window for a household; English; registrars see none of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, noHorizontalScroll, unlabelledControls, apiAs, open, settled } from './lib/harness.mjs';

let srv; let browser; let resident;
const BUILDING = 'HKG-YH-IT-W12-XR-B1';
before(async () => {
  srv = await startServer(); browser = await launchBrowser();
  const api = await apiAs(srv, 'panpeng');
  resident = (await api('GET', `/persons?area=${BUILDING}&limit=1`)).data.items[0];
  assert.ok(resident && resident.household);
});
after(async () => { await browser?.close(); await srv?.stop(); });

test('a garbage round on a phone: planned, then households marked one tap each', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'panpeng');
  assert.equal(await page.locator('#nav-list a[href="#/garbage"]').count(), 1);
  await open(page, srv, '/garbage');
  await page.locator('#garbage-rounds .empty', { hasText: '还没有清运记录' }).waitFor();
  assert.deepEqual(await unlabelledControls(page), []);
  await noHorizontalScroll(page);
  const area = page.getByLabel('楼栋（区域编码）');
  await area.fill('HKG-YH-IT-W12');
  await page.getByRole('button', { name: '安排清运' }).click();
  await page.locator('#garbage-new [role=alert]', { hasText: '清运要安排在楼栋、单元或小区上' }).waitFor();
  await area.fill(BUILDING);
  await page.getByRole('button', { name: '安排清运' }).click();
  await page.waitForFunction(() => /^#\/garbage\/\d+$/.test(location.hash));
  await settled(page);
  const progress = page.locator('#garbage-progress');
  const total = await page.locator('#garbage-round .hh-item').count();
  assert.ok(total > 1);
  assert.equal(await progress.getAttribute('data-done'), '0');
  assert.match(await progress.textContent(), new RegExp(`已收 0 / ${total} 户`));
  const first = page.locator('#garbage-round .hh-item').first();
  const addr = await first.locator('.addr').textContent();
  await first.getByRole('button', { name: `标记已收 ${addr}` }).click();
  await page.locator('#garbage-round .hh-item.done', { hasText: addr }).waitFor();
  assert.equal(await progress.getAttribute('data-done'), '1');
  assert.equal(await page.locator('#garbage-round .hh-item.done button').count(), 0);
  await page.locator('#garbage-round .hh-item:not(.done) button').first().click();
  await page.waitForFunction(() => document.querySelector('#garbage-progress').dataset.done === '2');
  await noHorizontalScroll(page);
  await shot(page, 'phone-garbage-round');
  // the marks are stored: the list shows them
  await open(page, srv, '/garbage');
  assert.match(await page.locator('#garbage-rounds tbody tr').first().textContent(), new RegExp(`已收 2 / ${total} 户`));
  noProblems(page);
  await page.context().close();
});

test('door sensors: registered with its token shown once, listed, disabled; an approved window', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'panpeng');
  await page.locator('#nav-list a', { hasText: '门磁设备' }).click();
  await settled(page);
  await page.locator('#devices .empty', { hasText: '还没有登记门磁' }).waitFor();
  const reg = page.locator('#device-new');
  await reg.getByLabel('设备编号').fill('MC 01');
  await reg.getByRole('button', { name: '登记设备' }).click();
  await reg.locator('[role=alert]', { hasText: '设备编号只能由字母' }).waitFor();
  await reg.getByLabel('设备编号').fill('MC-T01');
  await reg.getByRole('button', { name: '登记设备' }).click();
  await reg.locator('[role=alert]', { hasText: '请先查找并选择安装的住户' }).waitFor();
  await reg.getByLabel('查找住户（住户姓名、手机号或地址）').fill(resident.name);
  await reg.getByRole('button', { name: '查找' }).click();
  await reg.locator(`.hh-found button[data-household="${resident.household}"]`).click();
  await reg.getByRole('button', { name: '登记设备' }).click();
  const token = page.locator('#device-token code.token');
  await token.waitFor();
  assert.match(await token.textContent(), /^fxd_/);
  assert.match(await page.locator('#device-token').textContent(), /只显示这一次/);
  const row = page.locator('#devices tbody tr', { hasText: 'MC-T01' });
  await row.waitFor();
  assert.match(await row.textContent(), /在用.*未知.*从未联系/s);
  assert.doesNotMatch(await page.locator('#devices').textContent(), /fxd_/, 'the list never shows a token');
  // the same id again is refused in words
  await reg.getByLabel('设备编号').fill('MC-T01');
  await reg.getByLabel('查找住户（住户姓名、手机号或地址）').fill(resident.name);
  await reg.getByRole('button', { name: '查找' }).click();
  await reg.locator(`.hh-found button[data-household="${resident.household}"]`).click();
  await reg.getByRole('button', { name: '登记设备' }).click();
  await reg.locator('[role=alert]', { hasText: '这个设备编号已经登记过' }).waitFor();
  // disabling asks first
  page.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: '停用 MC-T01' }).click();
  await page.locator('#devices tbody tr', { hasText: '已停用' }).waitFor();
  // an approved window for the household
  const win = page.locator('#window-new');
  await win.getByRole('button', { name: '批准时段' }).click();
  await win.locator('[role=alert]', { hasText: '请先查找并选择住户' }).waitFor();
  await win.getByLabel('查找住户（住户姓名、手机号或地址）').fill(resident.name);
  await win.getByRole('button', { name: '查找' }).click();
  await win.locator(`.hh-found button[data-household="${resident.household}"]`).click();
  await page.locator('#door-windows .empty', { hasText: '这一户没有' }).waitFor();
  await win.getByLabel('事由').selectOption('medical');
  await win.getByLabel('备注').fill('复诊');
  await win.getByRole('button', { name: '批准时段' }).click();
  await page.locator('#door-windows tbody tr', { hasText: '外出就医' }).waitFor();
  assert.match(await page.locator('#door-windows tbody tr').first().textContent(), /外出就医.*复诊.*panpeng/s);
  assert.deepEqual(await unlabelledControls(page), []);
  await shot(page, 'devices');
  noProblems(page);
  await page.context().close();
});

test('English; registrars see neither screen', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'panpeng');
  await open(page, srv, '/devices');
  await page.locator('#devices tbody tr').first().waitFor();
  await noHorizontalScroll(page);
  await page.selectOption('#lang-select', 'en');
  await page.locator('#devices h2', { hasText: 'Devices' }).waitFor();
  await page.locator('#devices tbody tr', { hasText: 'Disabled' }).waitFor();
  await open(page, srv, '/garbage');
  await page.locator('#garbage-rounds tbody tr', { hasText: 'households collected' }).waitFor();
  noProblems(page);
  await page.context().close();
  const reg = await newPage(browser);
  await login(reg, srv, 'zhangmingqiang');
  assert.equal(await reg.locator('#nav-list a[href="#/garbage"], #nav-list a[href="#/devices"]').count(), 0);
  await open(reg, srv, '/devices');
  assert.match(await reg.locator('#main').textContent(), /没有权限|无权/);
  await reg.context().close();
});
