// Where the roles without the desk's menu land and what they can do there: a
// volunteer's tasks (their requests, their sweep, their shifts), the lab's
// intake and results, the registrar's way to the sampling page; and the staff's
// work-order screen without the officer's triage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, unlabelledControls, apiAs, open, settled, noHorizontalScroll } from './lib/harness.mjs';
import { now, peopleOf, makeSite, sampleTube } from './lib/round.mjs';

const UNIT = 'HKG-YH-IT-W12-GC-B1-U1';
let srv; let browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

const navTexts = async (page) => (await page.locator('#nav-list a').allTextContents()).map((s) => s.trim());

test('a volunteer on a phone lands on their tasks: each part says what to do when empty, then works', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'liutao');
  assert.match(page.url(), /#\/tasks$/);
  assert.deepEqual(await navTexts(page), ['我的任务', '我的班次']);
  assert.equal((await page.locator('#main h1').textContent()).trim(), '我的任务');
  assert.match(await page.locator('#tasks-requests').textContent(), /目前没有分派给您的服务需求/);
  assert.match(await page.locator('#tasks-sweeps').textContent(), /请联系工作站把您加入小组/);
  assert.match(await page.locator('#tasks-shifts').textContent(), /近 7 天没有您的班次/);
  assert.equal(await page.locator('#tasks-shifts a').getAttribute('href'), '#/my-shifts');
  await noHorizontalScroll(page);

  // the workstation assigns a request to them and puts them on a sweep team
  const staff = await apiAs(srv, 'panpeng');
  const p = await staff('POST', '/persons', { name: '任务一', id_type: 'other', id_number: 'TASK0001', area: UNIT, room: '901' });
  assert.equal(p.status, 201, JSON.stringify(p.data));
  const q = await staff('POST', '/requests', { household: p.data.household, kind: 'medicine', description: '降压药两盒', deadline: now() + 3600, assignee: 'liutao' });
  assert.equal(q.status, 201, JSON.stringify(q.data));
  const k = await staff('POST', '/sweeps', { name: '一单元排查', area: UNIT, questions: 1 });
  assert.equal(k.status, 201, JSON.stringify(k.data));
  const s = await staff('POST', `/sweeps/${k.data.id}/split`, { teams: [{ name: '一组', leader: 'liutao' }] });
  assert.equal(s.status, 200, JSON.stringify(s.data));

  await page.reload(); // the same address: open() would not draw it again
  await settled(page);
  const card = page.locator(`#tasks-requests [data-request="${q.data.id}"]`);
  assert.match(await card.textContent(), /买药.*已分派.*降压药两盒/s);
  assert.match(await page.locator('#tasks-sweeps').textContent(), /一单元排查.*已走访 0 \/ \d+ 户/s);
  assert.equal(await page.locator('#tasks-open-sweep').getAttribute('href'), '/sweep/');
  await noHorizontalScroll(page);
  await shot(page, 'phone-volunteer-tasks');

  await card.getByRole('button', { name: '开始办理' }).click();
  await card.getByText('办理中').waitFor();
  // closing asks for what was done first
  await card.getByRole('button', { name: '办结' }).click();
  assert.match(await card.locator('[role=alert]').textContent(), /办结前请填写办理结果/);
  assert.deepEqual(await unlabelledControls(page), []);
  await card.getByLabel(/办理结果/).fill('已送到家门口');
  await card.getByRole('button', { name: '办结' }).click();
  await page.locator('#tasks-requests .empty').waitFor();
  const after = await staff('GET', `/requests/${q.data.id}`);
  assert.equal(after.data.status, 'done');
  assert.equal(after.data.feedback, '已送到家门口');

  await page.selectOption('#lang-select', 'en');
  await open(page, srv, '/tasks');
  assert.match(await page.locator('#tasks-sweeps').textContent(), /households visited/);
  assert.match(await page.locator('#tasks-requests').textContent(), /No service requests are assigned to you/);
  noProblems(page);
  await page.context().close();
});

test('the lab receives a box by scanning it and posts results from a CSV file', async () => {
  const officer = await apiAs(srv, 'cuizhengbo');
  const t = now();
  const r = await officer('POST', '/rounds', { name: '实验室签收测试', areas: ['HKG-YH'], start: t - 4 * 3600, deadline: t + 8 * 3600 });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const site = await makeSite(officer, 'HKG-YH-IT-W12', '实验室测试采样点');
  await sampleTube(officer, { round: r.data.id, site: site.id, tube: 'LT0001', people: await peopleOf(officer, UNIT, 2), at: t - 3600, box: 'LBOX01', boxAt: t - 1800 });

  const page = await newPage(browser);
  await login(page, srv, 'lab');
  assert.match(page.url(), /#\/lab$/);
  assert.deepEqual(await navTexts(page), ['样本接收']);
  assert.deepEqual(await unlabelledControls(page), []);
  const recv = page.locator('#lab-receive');
  // a scanner's Enter moves on to the count instead of complaining
  await recv.getByLabel('样本箱条码').fill('LBOX01');
  await recv.getByLabel('样本箱条码').press('Enter');
  assert.ok(await recv.getByLabel('清点的管数').evaluate((el) => el === document.activeElement));
  await recv.getByLabel('清点的管数').fill('2');
  await recv.getByRole('button', { name: '签收' }).click();
  const out = page.locator('#lab-receive-result');
  await out.locator('[role=status]').waitFor();
  assert.match(await out.textContent(), /样本箱 LBOX01 已签收（封箱 1 管）.*多管：封箱 1 管，清点 2 管/s);
  const box = await officer('GET', '/boxes/LBOX01');
  assert.ok(box.data.timeline.some((x) => x.step === 'lab' && x.count === 2), JSON.stringify(box.data.timeline));
  // an unknown box is said in words
  await recv.getByLabel('样本箱条码').fill('NOBOX');
  await recv.getByLabel('清点的管数').fill('1');
  await recv.getByRole('button', { name: '签收' }).click();
  await out.locator('.alert, [role=alert]').first().waitFor();
  assert.match(await out.textContent(), /没有这个样本箱.*请核对条码/s);

  const res = page.locator('#lab-results');
  await res.getByRole('button', { name: '上传结果' }).click();
  assert.match(await res.locator('[role=alert]').textContent(), /请选择结果文件/);
  const csv = `tube,result,ct,at\nLT0001,阴性,,${new Date((t - 60) * 1000).toISOString()}\nNOTUBE,阳性,30,${t - 60}\n`;
  await res.getByLabel('结果文件（CSV）').setInputFiles({ name: 'results.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await res.getByRole('button', { name: '上传结果' }).click();
  const rout = page.locator('#lab-results-result');
  await rout.locator('[role=status]').waitFor();
  assert.match(await rout.textContent(), /已上报 1 管，重复 0 管，未通过 1 管/);
  assert.match(await rout.locator('table').textContent(), /3.*NOTUBE.*没有这个试管/s);
  const tube = await officer('GET', '/tubes/LT0001/result');
  assert.equal(tube.data.result.result, 'negative');
  await shot(page, 'lab');
  // the box's way so far
  const look = page.locator('#lab-box').locator('..');
  await look.getByLabel('样本箱条码').fill('LBOX01');
  await look.getByRole('button', { name: '查询' }).click();
  await page.locator('#lab-box ol').waitFor();
  assert.match(await page.locator('#lab-box').textContent(), /封箱.*实验室签收.*出结果/s);
  await page.setViewportSize({ width: 360, height: 740 });
  await noHorizontalScroll(page);
  noProblems(page);
  await page.context().close();
});

test('a registrar lands on sampling with the way to the sampling page', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'zhangmingqiang');
  assert.match(page.url(), /#\/collect$/);
  assert.doesNotMatch(await page.locator('#main').textContent(), /即将上线/);
  await page.locator('#open-collect').click();
  await page.waitForURL(/\/collect\/$/);
  await page.locator('h1').waitFor();
  noProblems(page);
  await page.context().close();
});

test('staff see the work orders without a stray word where the officer\'s triage would be', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'panpeng');
  await open(page, srv, '/workorders');
  assert.equal(await page.locator('#wo-triage').count(), 0);
  assert.doesNotMatch(await page.locator('#main').textContent(), /null/);
  noProblems(page);
  await page.context().close();
});

test('staff add a service request on a household\'s page and assign it to a volunteer', async () => {
  const staff = await apiAs(srv, 'panpeng');
  const p = await staff('POST', '/persons', { name: '求助人', id_type: 'other', id_number: 'TASK0002', area: UNIT, room: '902' });
  assert.equal(p.status, 201, JSON.stringify(p.data));
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'panpeng');
  // the empty list says where new requests come from
  await open(page, srv, '/requests');
  await page.selectOption('#req-status', 'cancelled');
  await page.locator('#requests .empty').waitFor();
  assert.match(await page.locator('#requests').textContent(), /新需求在住户页面登记/);
  await open(page, srv, `/households/${p.data.household}`);
  const form = page.locator('#req-create');
  assert.deepEqual(await unlabelledControls(page), []);
  await form.getByLabel('需求类别').selectOption('groceries');
  await form.getByLabel('为谁').selectOption({ label: '求助人' });
  await form.getByLabel('内容').fill('米面油各一份');
  await form.getByLabel('负责人（用户名）').fill('liutao');
  await form.getByRole('button', { name: '登记需求' }).click();
  await page.waitForFunction(() => /902.*已分派/.test(document.getElementById('toast').textContent));
  await noHorizontalScroll(page);
  const r = await staff('GET', '/requests?status=assigned');
  const q = r.data.items.find((x) => x.household === p.data.household);
  assert.ok(q, 'the request was added');
  assert.equal(q.kind, 'groceries');
  assert.equal(q.assignee, 'liutao');
  assert.equal(q.person, p.data.id);
  assert.ok(q.deadline > now() + 23 * 3600, 'the deadline defaults to a day from now');
  // a wrong assignee is said in words and nothing is added
  await form.getByLabel('负责人（用户名）').fill('nobody');
  await form.getByRole('button', { name: '登记需求' }).click();
  await form.locator('.alert, [role=alert]').first().waitFor();
  // posts and teams that staff cannot make: the empty screens say who makes them
  await open(page, srv, '/roster');
  assert.match(await page.locator('#main').textContent(), /岗位和排班由办事处干部建立/);
  await open(page, srv, '/teams');
  assert.match(await page.locator('#main').textContent(), /队伍由办事处干部建立/);
  noProblems(page);
  await page.context().close();
});

test('a driver and a registrar reach their own shifts from the menu', async () => {
  for (const user of ['lijianhua', 'zhangmingqiang']) {
    const page = await newPage(browser, { width: 360, height: 740 });
    await login(page, srv, user);
    await page.locator('#menu-toggle').click(); // the phone's menu is a drawer
    await page.locator('#nav-list a[href="#/my-shifts"]').click();
    await settled(page);
    assert.equal((await page.locator('#main h1').textContent()).trim(), '我的班次', user);
    assert.match(await page.locator('#my-shifts').textContent(), /近期没有您的班次/, user);
    assert.equal(await page.locator('#main .alert-error').count(), 0, user);
    noProblems(page);
    await page.context().close();
  }
});

test('the phone pages lead back to the main app: a volunteer from /sweep/ to their tasks', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'liutao');
  await page.locator('#tasks-open-sweep').click(); // the volunteer is on a team since the first test
  await page.waitForURL(/\/sweep\/$/);
  const home = page.locator('header a.bar-home');
  await home.waitFor();
  assert.equal((await home.textContent()).trim(), '主页');
  await noHorizontalScroll(page);
  await home.click();
  await page.waitForURL(/#\/tasks$/);
  await settled(page);
  for (const p of ['/collect/', '/checkpoint/']) {
    await page.goto(`${srv.base}${p.slice(1)}`);
    assert.equal(await page.locator('header a.bar-home').getAttribute('href'), '/', p);
  }
  noProblems(page);
  await page.context().close();
});

test('an admin adds a volunteer\'s account, who then logs in; disables it and they cannot', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'admin');
  await page.locator('#nav-list a', { hasText: '用户账号' }).click();
  await settled(page);
  assert.match(await page.locator('#users tbody').textContent(), /liutao.*刘涛.*志愿者.*HKG-YH-IT-W12/s);
  const form = page.locator('#user-add');
  await form.getByLabel('用户名').fill('wangxiao');
  await form.getByLabel('姓名').fill('王晓');
  await form.getByLabel('角色').selectOption('volunteer');
  await form.getByLabel('初始密码').fill('short');
  await form.getByRole('button', { name: '新增账号' }).click();
  assert.match(await form.locator('[role=alert]').textContent(), /每个账号都要有所属区域/);
  await form.getByLabel('所属区域（代码）').fill('HKG-YH-IT-W12');
  await form.getByRole('button', { name: '新增账号' }).click();
  assert.match(await form.locator('[role=alert]').textContent(), /至少 8 个字符/);
  await form.getByLabel('初始密码').fill('volunteer-pass-1');
  assert.deepEqual(await unlabelledControls(page), []);
  await form.getByRole('button', { name: '新增账号' }).click();
  const row = page.locator('#users tbody tr', { hasText: 'wangxiao' });
  await row.waitFor();
  assert.match(await row.textContent(), /王晓.*志愿者.*正常/s);

  const vol = await newPage(browser, { width: 360, height: 740 });
  await login(vol, srv, 'wangxiao', { password: 'volunteer-pass-1' });
  assert.match(vol.url(), /#\/tasks$/);
  await vol.context().close();

  await row.getByRole('button', { name: '停用' }).click();
  await row.getByText('已停用').waitFor();
  const r = await fetch(`${srv.base}api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'wangxiao', password: 'volunteer-pass-1' }) });
  assert.notEqual(r.status, 200, 'a disabled account cannot log in');
  // enabled again with a new password: the new one works
  await row.getByRole('button', { name: '启用' }).click();
  await row.getByText('正常').waitFor();
  await row.getByLabel('新密码').fill('volunteer-pass-2');
  await row.getByRole('button', { name: '重设密码' }).click();
  await page.waitForFunction(() => /wangxiao 的密码已重设/.test(document.getElementById('toast').textContent));
  assert.ok(await apiAs({ ...srv, password: 'volunteer-pass-2' }, 'wangxiao'));
  await page.setViewportSize({ width: 360, height: 740 });
  await noHorizontalScroll(page);
  noProblems(page);
  await page.context().close();
});
