// The checkpoint officer's screen: a checkpoint added with its posts and hours (bad hours
// refused in words), a risk-area list imported with a bad row named by row and field and
// shown with its dates, the rule versions, and the returnee register of a village with an
// arrival from a risk area (home isolation) whose hardship became a request; its export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, unlabelledControls, apiAs, open, settled, noHorizontalScroll } from './lib/harness.mjs';

let srv; let browser; let staff; let person;
const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
const inDays = (n) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + n * 86400000));

before(async () => {
  srv = await startServer(); browser = await launchBrowser();
  const admin = await apiAs(srv, 'admin');
  const v2 = await admin('POST', '/arrival-rules', { on_medium: 'pass' });
  assert.equal(v2.status, 201, JSON.stringify(v2.data));
  staff = await apiAs(srv, 'panpeng');
  const p = await staff('GET', '/persons?area=HKG-YH-IT-W12&limit=20');
  person = p.data.items.find((x) => x.id_type === 'id_card');
  assert.ok(person, 'a resident with an ID card');
});
after(async () => { await browser?.close(); await srv?.stop(); });

test('an officer sets up a checkpoint, an admin imports the risk-area list; the rules show their versions', async () => {
  let page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await page.locator('#nav-list a', { hasText: '卡口与返乡人员' }).click();
  await settled(page);
  assert.deepEqual(await unlabelledControls(page), []);
  await page.getByLabel('卡口名称').fill('港城路卡口');
  await page.getByLabel('所在区域（代码）').fill('HKG-YH-IT-W12');
  await page.getByLabel('岗位数').fill('2');
  await page.getByLabel('值守时间').fill('8点到20点');
  await page.getByRole('button', { name: '新增卡口' }).click();
  assert.match(await page.locator('#cp-form [role=alert]').textContent(), /08:00-20:00/);
  await page.getByLabel('值守时间').fill('00:00-24:00');
  await page.getByRole('button', { name: '新增卡口' }).click();
  const row = page.locator('#cp-list tbody tr', { hasText: '港城路卡口' });
  await row.waitFor();
  assert.match(await row.textContent(), /HKG-YH-IT-W12.*2.*00:00-24:00/s);

  // the risk-area list is city-wide: a sub-district's officer is refused in words, an admin imports it
  const csv = `name,level,valid_from,valid_to\n上海市浦东新区,high,${today()},${inDays(13)}\n西安市雁塔区,medium,${today()},${inDays(6)}\n北京市,severe,${today()},${inDays(6)}\n`;
  await page.getByLabel('名单文件（CSV）').setInputFiles({ name: 'risk.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: '导入名单' }).click();
  assert.match(await page.locator('#risk-result [role=alert]').textContent(), /全市.*管理员/s);
  noProblems(page);
  await page.context().close();
  page = await newPage(browser);
  await login(page, srv, 'admin');
  await open(page, srv, '/checkpoints');
  await page.getByLabel('名单文件（CSV）').setInputFiles({ name: 'risk.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: '导入名单' }).click();
  await page.locator('#risk-result [role=status]').waitFor();
  assert.match(await page.locator('#risk-result').textContent(), /已导入 2 条，1 行有误/);
  assert.match(await page.locator('#risk-result tbody').textContent(), /4.*level/s);
  const high = page.locator('#risk-list tbody tr', { hasText: '上海市浦东新区' });
  await high.waitFor();
  assert.match(await high.textContent(), new RegExp(`高风险.*${today().replaceAll('-', '/')}.*${inDays(13).replaceAll('-', '/')}`, 's'));
  const rules = await page.locator('#rules tbody').textContent();
  assert.match(rules, /v2.*v1/s);
  assert.equal(await page.locator('#rules tbody tr').count(), 2);
  assert.match(await page.locator('#rules tbody tr').first().textContent(), /37\.3.*转送核查.*居家隔离.*居家健康监测.*通行/s);
  await shot(page, 'checkpoints');
  noProblems(page);
  await page.context().close();
});

test('the returnee register of a village: a risk-area arrival isolated at home, its hardship a request; exported', async () => {
  const cps = await staff('GET', '/checkpoints');
  const cp = cps.data.items.find((k) => k.name === '港城路卡口');
  const e = await staff('POST', `/checkpoints/${cp.id}/entries`, {
    id: 'reg-1', person: { id_number: person.id_number }, health_code: 'green', cities: ['上海'], temperature: 36.5,
    purpose: '返乡', hardship: '家中老人无人照顾',
  });
  assert.equal(e.status, 201, JSON.stringify(e.data));
  assert.equal(e.data.decision, 'home_isolation');
  const page = await newPage(browser, { width: 360, height: 740, acceptDownloads: true });
  await login(page, srv, 'panpeng');
  await open(page, srv, '/checkpoints');
  assert.equal(await page.locator('#risk-form').count(), 0, 'staff read the list; officers import it');
  await page.getByLabel('村（社区）区域代码').fill('HKG-YH-IT-W12');
  await page.getByRole('button', { name: '查看', exact: true }).click();
  const row = page.locator('#register tbody tr', { hasText: person.name });
  await row.waitFor();
  assert.match(await row.textContent(), /绿码.*上海.*居家隔离 上海市浦东新区.*家中老人无人照顾.*已转居民服务.*港城路卡口/s);
  await noHorizontalScroll(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  await page.locator('#lang-select').selectOption('en');
  await page.locator('#register th', { hasText: 'Decision' }).first().waitFor();
  assert.match(await page.locator('#register tbody').textContent(), /Home isolation/);
  noProblems(page);
  await page.context().close();
});
