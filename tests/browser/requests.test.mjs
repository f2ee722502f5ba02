// Resident services: requests made through the API; staff assign one, start it,
// are told in words that closing it needs feedback, and close it; the overdue
// filter; a phone; English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, noHorizontalScroll, unlabelledControls, apiAs, open, settled } from './lib/harness.mjs';
import { now } from './lib/round.mjs';

let srv; let browser; let overdueAt;
before(async () => {
  srv = await startServer(); browser = await launchBrowser();
  const api = await apiAs(srv, 'panpeng');
  const p = (await api('GET', '/persons?q=%E5%BC%A0&limit=1')).data.items[0];
  const a = await api('POST', '/requests', { household: p.household, kind: 'medicine', description: '降压药两盒', deadline: now() + 6 * 3600 });
  assert.equal(a.status, 201, JSON.stringify(a.data));
  const b = await api('POST', '/requests', { household: p.household, kind: 'groceries', description: '蔬菜一份', deadline: now() + 2 });
  overdueAt = now() + 3;
  assert.equal(b.status, 201, JSON.stringify(b.data));
});
after(async () => { await browser?.close(); await srv?.stop(); });

test('staff move a request along its flow; closing without feedback is refused in words', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'panpeng');
  await page.locator('#nav-list a', { hasText: '居民服务' }).click();
  await settled(page);
  assert.deepEqual(await unlabelledControls(page), []);
  const row = () => page.locator('#requests tbody tr', { hasText: '降压药两盒' });
  assert.match(await row().textContent(), /买药.*待分派/s);
  // assigning names someone
  await row().getByLabel('改为').selectOption('assigned');
  await row().getByLabel('负责人（用户名）').fill('panpeng');
  await row().getByRole('button', { name: '保存' }).click();
  await page.locator('#requests tbody tr', { hasText: '降压药两盒' }).locator('[data-state="assigned"]').waitFor();
  assert.match(await row().textContent(), /已分派.*panpeng/s);
  await row().getByLabel('改为').selectOption('in_progress');
  await row().getByRole('button', { name: '保存' }).click();
  await row().locator('[data-state="in_progress"]').waitFor();
  // done needs feedback
  await row().getByLabel('改为').selectOption('done');
  await row().getByRole('button', { name: '保存' }).click();
  await row().locator('[role=alert]').waitFor();
  assert.match(await row().locator('[role=alert]').textContent(), /办结前要填写办理反馈/);
  await row().getByLabel('办理反馈').fill('已送药上门');
  await row().getByRole('button', { name: '保存' }).click();
  await row().locator('[data-state="done"]').waitFor();
  assert.match(await row().textContent(), /已办结.*已送药上门/s);
  assert.equal(await row().locator('form').count(), 0, 'a done request has no form');
  await shot(page, 'requests');
  await page.getByLabel('状态').selectOption('done');
  await page.waitForFunction(() => document.querySelectorAll('#requests tbody tr').length === 1);
  noProblems(page);
  await page.context().close();
});

test('the overdue filter; a phone; English', async () => {
  // the groceries' deadline (two seconds after it was made) has passed
  while (now() < overdueAt) await new Promise((r) => setTimeout(r, 250));
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, '/requests');
  await page.locator('#requests tbody tr').first().waitFor();
  await noHorizontalScroll(page);
  await page.getByLabel('只看已超时的').check();
  await page.waitForFunction(() => document.querySelectorAll('#requests tbody tr').length === 1);
  assert.match(await page.locator('#requests tbody tr').textContent(), /蔬菜一份.*已超时/s);
  await noHorizontalScroll(page);
  await shot(page, 'phone-requests');
  await page.selectOption('#lang-select', 'en');
  await page.locator('#requests tbody tr', { hasText: 'Groceries' }).waitFor();
  assert.match(await page.locator('#requests').textContent(), /Medicine.*Done/s);
  noProblems(page);
  await page.context().close();
});

test('drivers do not see resident services', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'lijianhua');
  assert.equal(await page.locator('#nav-list a[href="#/requests"]').count(), 0);
  await open(page, srv, '/requests');
  assert.match(await page.locator('#main').textContent(), /没有权限|无权/);
  await page.context().close();
});
