// Work orders pushed by the city platform (a partner token): an officer routes one from
// the triage queue to a handler; the handler accepts it, starts it, is told in words
// that finishing needs feedback, and finishes it; the order's history shows every step.
// The overdue and mine filters, the dashboard's overdue panel, a phone, English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, launchBrowser, newPage, login, shot, noProblems, noHorizontalScroll, unlabelledControls, open, settled } from './lib/harness.mjs';
import { now } from './lib/round.mjs';

let srv; let browser; let partner; let overdueAt;

async function push(order) {
  const r = await fetch(`${srv.base}api/v1/work-orders`, {
    method: 'POST', headers: { Authorization: `Bearer ${partner}`, 'Content-Type': 'application/json' }, body: JSON.stringify(order),
  });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return JSON.parse(text);
}

before(async () => {
  srv = await startServer(); browser = await launchBrowser();
  partner = execFileSync(srv.bin, ['token', 'add', 'city-platform', '--kind', 'partner', '--area', 'HKG-YH', '--db', srv.db],
    { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n')[0].trim();
  await push({ external_id: 'ZZ-0101', kind: '核查', title: '核查返郑人员健康状况', subject: { address: '港城公寓1号楼1单元' }, deadline: now() + 86400 });
  await push({ external_id: 'ZZ-0102', kind: '求助', title: '独居老人买药', subject: { name: '王秀兰', address: '不存在路99号' }, deadline: now() + 86400 });
  await push({ external_id: 'ZZ-0103', kind: '核查', title: '核查密接人员', subject: { address: '港城公寓1号楼1单元' }, deadline: now() + 2 });
  overdueAt = now() + 3;
});
after(async () => { await browser?.close(); await srv?.stop(); });

test('an officer routes a triage order to a handler; the order shows where it went', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await page.locator('#nav-list a', { hasText: '工单办理' }).click();
  await settled(page);
  assert.deepEqual(await unlabelledControls(page), []);
  const row = page.locator('#wo-triage tbody tr', { hasText: 'ZZ-0102' });
  assert.match(await row.textContent(), /独居老人买药.*王秀兰/s);
  assert.equal(await page.locator('#wo-triage tbody tr').count(), 1, 'only the unmatched order waits in triage');
  // routing needs a workstation, said in words
  await row.getByRole('button', { name: '分派' }).click();
  assert.match(await row.locator('[role=alert]').textContent(), /承办工作站的区域代码/);
  await row.getByLabel('承办工作站（区域代码）').fill('HKG-YH-IT-W12');
  await row.getByLabel('处理人（用户名）').fill('panpeng');
  await row.getByRole('button', { name: '分派' }).click();
  await page.locator('#wo-triage .empty').waitFor();
  const listed = page.locator('#wo-list tbody tr', { hasText: 'ZZ-0102' });
  await listed.waitFor();
  assert.match(await listed.textContent(), /待接收.*HKG-YH-IT-W12.*panpeng/s);
  await shot(page, 'workorders');
  noProblems(page);
  await page.context().close();
});

test('the handler accepts, starts and finishes with feedback; the history keeps every step', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'panpeng');
  await open(page, srv, '/workorders');
  assert.equal(await page.locator('#wo-triage').count(), 0, 'staff do not route');
  // staff see only the orders assigned to them: not ZZ-0101 and ZZ-0103 of the same workstation
  await page.waitForFunction(() => document.querySelectorAll('#wo-list tbody tr').length > 0);
  assert.equal(await page.locator('#wo-list tbody tr').count(), 1);
  assert.doesNotMatch(await page.locator('#wo-list tbody').textContent(), /ZZ-0101|ZZ-0103/);
  await page.getByLabel('只看我的').check();
  await page.waitForFunction(() => document.querySelectorAll('#wo-list tbody tr').length === 1);
  await page.locator('#wo-list tbody tr a', { hasText: 'ZZ-0102' }).click();
  await page.locator('#wo-history').waitFor();
  assert.deepEqual(await unlabelledControls(page), []);
  await page.getByRole('button', { name: '接收' }).click();
  await page.locator('#wo-facts [data-state="accepted"]').waitFor();
  await page.getByRole('button', { name: '开始办理' }).click();
  await page.locator('#wo-facts [data-state="in_progress"]').waitFor();
  await page.getByRole('button', { name: '办结' }).click();
  assert.match(await page.locator('#wo-step [role=alert]').textContent(), /办结前要填写办理反馈/);
  await page.getByLabel('办理反馈').fill('已联系社区志愿者送药上门');
  await page.getByRole('button', { name: '办结' }).click();
  await page.locator('#wo-facts [data-state="done"]').waitFor();
  assert.equal(await page.locator('#wo-step').count(), 0, 'a finished order has no next step');
  assert.match(await page.locator('#wo-facts').textContent(), /已联系社区志愿者送药上门/);
  const history = await page.locator('#wo-history tbody').textContent();
  assert.match(history, /平台推送.*分派.*状态变更.*已接收.*办理中.*已办结/s);
  assert.equal(await page.locator('#wo-history tbody tr').count(), 5);
  noProblems(page);
  await page.context().close();
});

test('overdue orders: the filter, the dashboard panel; a phone; English', async () => {
  while (now() < overdueAt) await new Promise((r) => setTimeout(r, 250));
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, '/dashboard');
  const panel = page.locator('#panel-workorders [data-count="overdue"]');
  await panel.waitFor();
  assert.equal((await panel.locator('.n').textContent()).trim(), '1');
  assert.match(await page.locator('#panel-wo-overdue').textContent(), /ZZ-0103 核查密接人员/);
  await page.locator('#panel-wo-overdue a').click();
  await page.locator('#wo-history').waitFor();
  assert.match(await page.locator('#wo-facts').textContent(), /已超期/);
  await open(page, srv, '/workorders');
  await page.getByLabel('只看已超期').check();
  await page.waitForFunction(() => document.querySelectorAll('#wo-list tbody tr').length === 1);
  assert.match(await page.locator('#wo-list tbody').textContent(), /ZZ-0103.*已超期/s);
  await noHorizontalScroll(page);
  await shot(page, 'workorders-phone');
  await page.locator('#lang-select').selectOption('en');
  await page.locator('#wo-list th', { hasText: 'Deadline' }).first().waitFor();
  assert.match(await page.locator('#wo-list tbody').textContent(), /Overdue/);
  noProblems(page);
  await page.context().close();
});
