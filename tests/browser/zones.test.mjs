// Zones: one sealed through the API; the officer sees its countdown and the
// conditions still unmet, and lifting is refused in words naming each; staff
// see the list without the buttons; a phone; English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, noHorizontalScroll, unlabelledControls, apiAs, open, settled } from './lib/harness.mjs';

let srv; let browser;
const BUILDING = 'HKG-YH-IT-W12-XR-B1';
before(async () => {
  srv = await startServer(); browser = await launchBrowser();
  const api = await apiAs(srv, 'cuizhengbo');
  const z = await api('POST', '/zones', { area: BUILDING, kind: 'sealed', note: '楼内出现阳性' });
  assert.equal(z.status, 201, JSON.stringify(z.data));
  assert.equal(z.data.status, 'active');
});
after(async () => { await browser?.close(); await srv?.stop(); });

test('an officer sees the countdown, and lifting refused in words', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await page.locator('#panel-isolation .tile').first().waitFor();
  assert.equal(await page.locator('#panel-isolation .tile[data-count="active_zones"] .n').textContent(), '1');
  await page.locator('#nav-list a', { hasText: '封控管控区' }).click();
  await settled(page);
  assert.deepEqual(await unlabelledControls(page), []);
  const row = page.locator('#zones tbody tr', { hasText: '鑫荣公寓1号楼' });
  const text = await row.textContent();
  assert.match(text, /封控区.*生效中.*楼内出现阳性/s);
  assert.match(text, /还需 14 天可转为解封/);
  assert.match(text, /连续 14 天无新增病例的条件要到 \d{4}\/\d\d\/\d\d 才满足/);
  assert.match(text, /最近 2 天内还没有全员阴性的一轮检测/);
  assert.equal(await row.locator('.countdown').getAttribute('data-left'), '14');
  await row.getByRole('button', { name: '解封/降级 鑫荣公寓1号楼' }).click();
  await page.locator('#zone-refusal').waitFor();
  const words = await page.locator('#zone-refusal').textContent();
  assert.match(words, /鑫荣公寓1号楼 还不能解封/);
  assert.match(words, /连续 14 天无新增病例/);
  assert.match(words, /全员阴性/);
  await shot(page, 'zones-refused');
  // still active; the lifted list is empty
  assert.match(await row.textContent(), /生效中/);
  await page.getByLabel('显示').selectOption('lifted');
  await page.locator('#zones .empty').waitFor();
  noProblems(page);
  await page.context().close();
});

test('staff see zones without the buttons; a phone; English', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'panpeng');
  await open(page, srv, '/zones');
  await page.locator('#zones tbody tr').first().waitFor();
  assert.equal(await page.locator('#zones [data-act]').count(), 0);
  await noHorizontalScroll(page);
  await shot(page, 'phone-zones');
  await page.selectOption('#lang-select', 'en');
  // the list is drawn again in English (a translated old row may show first): wait for the countdown's words
  await page.locator('#zones tbody tr', { hasText: /14 days left before: lifted/ }).waitFor();
  assert.match(await page.locator('#zones').textContent(), /14 days left before: lifted/);
  noProblems(page);
  await page.context().close();
});

test("a zone's gate posts and their log: an officer adds a post, staff log entries and a delivery", async () => {
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, '/zones');
  await page.getByRole('link', { name: '门岗与出入登记 鑫荣公寓1号楼' }).click();
  await settled(page);
  assert.match(await page.locator('#zone-facts').textContent(), /封控区.*生效中.*14d/s);
  await page.locator('#zone-gates .empty', { hasText: '还没有门岗' }).waitFor();
  await page.getByLabel('新门岗名称').fill('东门');
  await page.getByRole('button', { name: '添加门岗' }).click();
  await page.locator('#gate-log .empty', { hasText: '还没有出入登记' }).waitFor();
  // the same name again is refused in words
  await page.getByLabel('新门岗名称').fill('东门');
  await page.getByRole('button', { name: '添加门岗' }).click();
  await page.locator('#zone-gates [role=alert]', { hasText: '已经有同名的门岗' }).waitFor();
  noProblems(page);
  await page.context().close();

  const staff = await newPage(browser, { width: 360, height: 740 });
  await login(staff, srv, 'panpeng');
  await open(staff, srv, '/zones');
  await staff.getByRole('link', { name: '门岗与出入登记 鑫荣公寓1号楼' }).click();
  await settled(staff);
  assert.equal(await staff.locator('#gate-add').count(), 0, 'staff do not add posts');
  assert.deepEqual(await unlabelledControls(staff), []);
  const form = staff.locator('#gate-entry');
  await form.getByLabel('人员姓名').fill('王师傅');
  await form.getByLabel('类别').selectOption('exit');
  await form.getByLabel('备注').fill('外出就医');
  await form.getByRole('button', { name: '登记' }).click();
  await staff.locator('#gate-log tbody tr', { hasText: '王师傅' }).waitFor();
  // a delivery needs its household, found inside the zone
  await form.getByLabel('类别').selectOption('delivery');
  await form.getByRole('button', { name: '登记' }).click();
  await form.locator('[role=alert]', { hasText: '配送要选择送到哪一户' }).waitFor();
  const api = await apiAs(srv, 'panpeng');
  const inside = (await api('GET', `/persons?area=${BUILDING}&limit=1`)).data.items[0];
  await form.getByLabel('配送到户').fill(inside.name);
  await form.getByRole('button', { name: '查找' }).click();
  await form.locator('.hh-found button').first().click();
  await form.getByRole('button', { name: '登记' }).click();
  await staff.locator('#gate-log tbody tr', { hasText: '物资配送' }).waitFor();
  assert.equal(await staff.locator('#gate-log tbody tr').count(), 2);
  assert.match(await staff.locator('#gate-log tbody tr').nth(1).textContent(), /外出.*王师傅.*外出就医.*panpeng/s);
  await noHorizontalScroll(staff);
  await shot(staff, 'phone-zone-gates');
  noProblems(staff);
  await staff.context().close();
});

test('registrars do not see zones', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'zhangmingqiang');
  assert.equal(await page.locator('#nav-list a[href="#/zones"]').count(), 0);
  await open(page, srv, '/zones');
  assert.match(await page.locator('#main').textContent(), /没有权限|无权/);
  await page.context().close();
});
