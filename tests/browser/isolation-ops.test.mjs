// The isolation screens that act: an officer opens a case from a person search
// (a missing reason refused in words), moves it to another type and policy version,
// transfers it to central quarantine, and records check-ins on the case and from the
// worklist; the 应隔尽隔 list opens a case in one click; counselling notes are shown
// to officers and counsellors only; a phone; English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, noHorizontalScroll, unlabelledControls, apiAs, open, settled } from './lib/harness.mjs';

let srv; let browser; let people; let redArrival;
before(async () => {
  srv = await startServer(); browser = await launchBrowser();
  const api = await apiAs(srv, 'cuizhengbo');
  const r = await api('GET', '/persons?q=%E7%8E%8B&limit=50');
  // three people whose names do not contain each other (rows are found by name)
  people = [];
  for (const p of r.data.items) if (people.every((q) => !q.name.includes(p.name) && !p.name.includes(q.name))) people.push(p);
  assert.ok(people.length >= 3);
  // a second policy version for home isolation (admin), to move a case onto
  const admin = await apiAs(srv, 'admin');
  const pv = await admin('POST', '/isolation-policies', { type: 'home_isolation', days: 10, test_days: [1, 5, 10], checkins_per_day: 3 });
  assert.equal(pv.status, 201, JSON.stringify(pv.data));
  // 应隔尽隔: a red-code arrival at a checkpoint, referred, no case
  const staff = await apiAs(srv, 'panpeng');
  const cp = await staff('POST', '/checkpoints', { name: '港城卡口', area: 'HKG-YH-IT-W12' });
  assert.equal(cp.status, 201, JSON.stringify(cp.data));
  redArrival = people[2];
  const e = await staff('POST', `/checkpoints/${cp.data.id}/entries`, { id: 'iso-ops-1', person: { id_number: redArrival.id_number }, health_code: 'red' });
  assert.equal(e.status, 201, JSON.stringify(e.data));
  // a staff member flagged as a counsellor
  const u = await admin('POST', '/users', { username: 'xinli', password: srv.password, role: 'staff', area: 'HKG-YH-IT-W12', counsellor: true });
  assert.equal(u.status, 201, JSON.stringify(u.data));
});
after(async () => { await browser?.close(); await srv?.stop(); });

test('an officer opens a case, moves it, transfers it and records check-ins', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, '/isolation');
  await page.getByRole('link', { name: '开案隔离' }).click();
  await settled(page);
  const p = people[0];
  await page.getByLabel('姓名、身份证号、手机号或地址').fill(p.id_number);
  await page.getByRole('button', { name: '查找' }).click();
  await page.getByRole('button', { name: `选择 ${p.name}` }).click();
  assert.match(await page.locator('#iso-chosen').textContent(), new RegExp(`已选择：${p.name}`));
  // the policy in force for the type is shown before saving
  assert.match(await page.locator('#iso-policy').textContent(), /居家隔离 第 2 版：10 天，第 1、5、10 天检测，每天登记 3 次/);
  await page.getByRole('button', { name: '开案', exact: true }).click();
  await page.locator('[role=alert]', { hasText: '请选择隔离原因' }).waitFor();
  await page.getByLabel('隔离原因').selectOption('close_contact');
  assert.deepEqual(await unlabelledControls(page), []);
  await page.getByRole('button', { name: '开案', exact: true }).click();
  await page.waitForFunction(() => /^#\/isolation\/\d+$/.test(location.hash));
  await settled(page);
  assert.match(await page.locator('#iso-case').textContent(), /居家隔离.*密切接触者.*第 2 版：10 天/s);
  assert.match(await page.locator('#iso-case').textContent(), /隔离期最后一天.*还没到/s);
  // back to version 1 of the same type: 7 days
  await page.locator('#iso-move').getByLabel('隔离政策').selectOption({ label: '居家隔离 第 1 版：7 天，第 1、4、7 天检测，每天登记 2 次' });
  await page.locator('#iso-move').getByRole('button', { name: '调整' }).click();
  await page.locator('#iso-case', { hasText: '第 1 版：7 天' }).waitFor();
  // a check-in with a fever, in words on the case
  const form = page.locator('#iso-checkins form');
  await form.getByRole('button', { name: `保存登记 ${p.name}` }).click();
  await form.locator('[role=alert]', { hasText: '请填写体温，或勾选症状' }).waitFor();
  await form.getByLabel('体温（℃）').fill('38.2');
  await form.getByLabel('咳嗽').check();
  await form.getByRole('button', { name: `保存登记 ${p.name}` }).click();
  await page.locator('#iso-checkins tbody tr', { hasText: '38.2' }).waitFor();
  assert.match(await page.locator('#iso-checkins tbody tr').first().textContent(), /38\.2 ℃.*咳嗽.*cuizhengbo/s);
  // transfer to central quarantine
  await page.getByRole('button', { name: '转为集中隔离' }).click();
  await page.locator('#iso-case', { hasText: '集中隔离 第 1 版：14 天' }).waitFor();
  assert.equal(await page.getByRole('button', { name: '转为集中隔离' }).count(), 0);
  await shot(page, 'isolation-case');
  // from the worklist: the row's check-in form
  await open(page, srv, '/isolation');
  const row = page.locator('#iso-worklist tbody tr', { hasText: p.name });
  assert.match(await row.textContent(), /集中隔离/);
  await row.locator('summary').click();
  await row.getByLabel('体温（℃）').fill('36.6');
  await row.getByRole('button', { name: `保存登记 ${p.name}` }).click();
  await page.locator('#iso-worklist tbody tr', { hasText: p.name }).locator('td', { hasText: '36.6 ℃' }).waitFor();
  noProblems(page);
  await page.context().close();
});

test('应隔尽隔: a red-code arrival without a case, opened in one click', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await page.locator('#panel-isolation .tile[data-count="gaps"]').waitFor();
  assert.equal(await page.locator('#panel-isolation .tile[data-count="gaps"] .n').textContent(), '1');
  await open(page, srv, '/isolation');
  await page.getByRole('link', { name: '应隔未隔名单' }).click();
  await settled(page);
  const row = page.locator('#iso-gaps tbody tr', { hasText: redArrival.name });
  assert.match(await row.textContent(), /红码返乡人员/);
  await row.getByRole('button', { name: `开案居家隔离 ${redArrival.name}` }).click();
  await row.locator('[data-opened]').waitFor();
  await row.locator('[data-opened]').click();
  await settled(page);
  assert.match(await page.locator('#iso-case').textContent(), /居家隔离.*红码/s);
  await open(page, srv, '/isolation/gaps');
  await page.locator('#iso-gaps .empty').waitFor();
  assert.match(await page.locator('#iso-gaps').textContent(), /做到了应隔尽隔/);
  noProblems(page);
  await page.context().close();
});

test('counselling notes: officers and counsellors see them, other staff do not', async () => {
  const api = await apiAs(srv, 'cuizhengbo');
  const c = await api('POST', '/isolations', { person: people[1].id, type: 'home_monitoring', reason: 'yellow_code' });
  assert.equal(c.status, 201, JSON.stringify(c.data));
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, `/isolation/${c.data.id}`);
  await page.locator('#iso-counselling .empty').waitFor();
  await page.getByRole('button', { name: '添加记录' }).click();
  await page.locator('#iso-counselling [role=alert]', { hasText: '请先写下记录内容' }).waitFor();
  await page.getByLabel('新的记录').fill('情绪焦虑，已电话疏导，明日回访');
  await page.getByRole('button', { name: '添加记录' }).click();
  await page.locator('#iso-counselling li', { hasText: '情绪焦虑' }).waitFor();
  noProblems(page);
  await page.context().close();
  // staff without the counsellor flag: no section, and the words never reach the page
  const staff = await newPage(browser);
  await login(staff, srv, 'panpeng');
  await open(staff, srv, `/isolation/${c.data.id}`);
  await staff.locator('#iso-checkins').waitFor();
  assert.equal(await staff.locator('#iso-counselling').count(), 0);
  assert.doesNotMatch(await staff.locator('#main').textContent(), /情绪焦虑/);
  await staff.context().close();
  // a staff member flagged as a counsellor sees the note
  const xl = await newPage(browser);
  await login(xl, srv, 'xinli');
  await open(xl, srv, `/isolation/${c.data.id}`);
  await xl.locator('#iso-counselling li', { hasText: '情绪焦虑' }).waitFor();
  noProblems(xl);
  await xl.context().close();
});

test('on a phone and in English', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'panpeng');
  await open(page, srv, '/isolation');
  await page.locator('#iso-worklist tbody tr').first().waitFor();
  assert.equal(await page.getByRole('link', { name: '开案隔离' }).count(), 0, 'staff do not open cases');
  await page.locator('#iso-worklist tbody tr summary').first().click();
  await noHorizontalScroll(page);
  await page.locator('#iso-worklist tbody tr a').first().click();
  await settled(page);
  await noHorizontalScroll(page);
  assert.equal(await page.locator('#iso-move').count(), 0, 'staff do not move cases');
  await page.selectOption('#lang-select', 'en');
  await page.locator('#iso-checkins h2', { hasText: 'Check-ins' }).waitFor();
  assert.match(await page.locator('#iso-case').textContent(), /Policy.*version/s);
  await shot(page, 'phone-isolation-case');
  noProblems(page);
  await page.context().close();
});
