// Teams, mentor pairs and the duty roster. A team with members and posts made through the
// API, shifts for tomorrow that leave a gap and put one person on two posts at once; the
// officer adds a team and a member, logs a mentor's visit, reads the roster grid (the gap
// as a red band in words, the overlap flagged on both bars), adds a week of shifts and
// exports the roster; the dashboard shows the next day's gaps; a volunteer on a phone sees
// only their own shifts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, noHorizontalScroll, unlabelledControls, apiAs, open, settled } from './lib/harness.mjs';
import { now } from './lib/round.mjs';

const OFF = 8 * 3600; // Asia/Shanghai
let srv; let browser; let teamId; let D; let dayName; let cp; let gate;
const H = (h) => D + h * 3600;

before(async () => {
  srv = await startServer(); browser = await launchBrowser();
  const api = await apiAs(srv, 'cuizhengbo');
  D = Math.floor((now() + OFF) / 86400) * 86400 - OFF + 86400; // tomorrow, local midnight
  dayName = new Date((D + OFF) * 1000).toISOString().slice(0, 10);
  const ok = (r, st = 201) => { assert.equal(r.status, st, JSON.stringify(r.data)); return r.data; };
  teamId = ok(await api('POST', '/teams', { area: 'HKG-YH-IT-W12', name: '第十二工作站值班队', kind: 'duty' })).id;
  const liutao = ok(await api('POST', `/teams/${teamId}/members`, { username: 'liutao', role: 'volunteer' })).id;
  const panpeng = ok(await api('POST', `/teams/${teamId}/members`, { username: 'panpeng', role: 'staff' })).id;
  cp = ok(await api('POST', '/posts', { area: 'HKG-YH-IT-W12', name: '翟庄村卡口', kind: 'checkpoint', team: teamId })).id;
  gate = ok(await api('POST', '/posts', { area: 'HKG-YH-IT-W12', name: '鑫荣公寓东门', kind: 'gate', team: teamId, cover_from: 1140, cover_to: 1260 })).id;
  ok(await api('POST', '/shifts', { shifts: [
    { post: cp, member: liutao, start: H(8), end: H(20) },
    { post: cp, member: panpeng, start: H(20), end: H(27) },
    { post: gate, member: liutao, start: H(19), end: H(21), note: '顶班' },
  ] }));
  ok(await api('POST', '/mentor-pairs', { area: 'HKG-YH', mentor_username: 'cuizhengbo', mentee_username: 'panpeng', note: '每天到卡口' }));
});
after(async () => { await browser?.close(); await srv?.stop(); });

test('an officer adds a team and a member; a second add is refused in words', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await page.locator('#nav-list a', { hasText: '队伍与帮带' }).click();
  await settled(page);
  assert.deepEqual(await unlabelledControls(page), []);
  assert.match(await page.locator('#teams tbody').textContent(), /第十二工作站值班队.*值班队.*2/s);
  await page.getByLabel('队伍名称').fill('八千临时党支部');
  await page.getByLabel('类型').selectOption('party_branch');
  await page.getByLabel('区域').fill('HKG-YH-IT-W12');
  await page.getByRole('button', { name: '建立队伍' }).click();
  await page.locator('#teams tbody tr', { hasText: '八千临时党支部' }).waitFor();
  assert.match(await page.locator('#teams tbody tr', { hasText: '八千临时党支部' }).textContent(), /临时党支部/);
  await page.locator('#teams a', { hasText: '第十二工作站值班队' }).click();
  await settled(page);
  assert.equal(await page.locator('#members tbody tr').count(), 2);
  await page.getByLabel('用户名或人员编号').fill('cuizhengbo');
  await page.getByLabel('身份', { exact: true }).selectOption('staff');
  await page.getByRole('button', { name: '添加队员' }).click();
  await page.locator('#members tbody tr', { hasText: '崔郑波' }).waitFor();
  assert.equal(await page.locator('#members tbody tr').count(), 3);
  await page.getByLabel('用户名或人员编号').fill('liutao');
  await page.getByRole('button', { name: '添加队员' }).click();
  await page.locator('#members [role=alert]').waitFor();
  assert.match(await page.locator('#members [role=alert]').textContent(), /已经是这个队伍的队员/);
  // removing a member who has shifts is refused, one without is removed
  await page.locator('#members tbody tr', { hasText: '崔郑波' }).getByRole('button', { name: '移除' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#members tbody tr').length === 2);
  await page.locator('#members tbody tr', { hasText: '刘涛' }).getByRole('button', { name: '移除' }).click();
  await page.locator('#members tbody tr', { hasText: '刘涛' }).locator('[role=alert]').waitFor();
  assert.match(await page.locator('#members tbody tr', { hasText: '刘涛' }).textContent(), /还有排班/);
  await shot(page, 'team');
  noProblems(page);
  await page.context().close();
});

test('a mentor pair with its visit log; a visit needs its place', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, '/mentors');
  assert.deepEqual(await unlabelledControls(page), []);
  const pair = page.locator('#pairs .pair').first();
  assert.match(await pair.textContent(), /崔郑波 → 潘鹏.*每天到卡口/s);
  assert.match(await pair.textContent(), /还没有走访或指导记录/);
  await pair.getByLabel('说明').fill('查看返乡人员登记');
  await pair.getByRole('button', { name: '记一笔' }).click();
  await pair.locator('[role=alert]').waitFor();
  assert.match(await pair.locator('[role=alert]').textContent(), /要写明地点/);
  await pair.getByLabel('走访地点').fill('翟庄村卡口');
  const today = new Date((D - 86400 + OFF) * 1000).toISOString().slice(0, 10);
  await pair.getByLabel('走访时间（不填为现在）').fill(`${today}T07:30`);
  await pair.getByRole('button', { name: '记一笔' }).click();
  await page.locator('#pairs .visit-log li').first().waitFor();
  const when = `${today.replaceAll('-', '/')} 07:30`;
  assert.match(await page.locator('#pairs .pair').first().textContent(), new RegExp(`共同走访 1 次.*共同走访 ${when}.*翟庄村卡口.*查看返乡人员登记`, 's'));
  await shot(page, 'mentors');
  noProblems(page);
  await page.context().close();
});

test('the roster grid shows the gap in words and colour and flags one person on two posts', async () => {
  const page = await newPage(browser, { acceptDownloads: true });
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, `/roster?team=${teamId}&start=${dayName}`);
  assert.deepEqual(await unlabelledControls(page), []);
  const row = page.locator(`#roster-grid tr[data-post="${cp}"]`);
  const day1 = row.locator('td').nth(0); const day2 = row.locator('td').nth(1);
  assert.match(await day1.locator('.bar').first().textContent(), /刘涛 08:00–20:00/);
  assert.match(await day1.locator('.gap').textContent(), /缺岗 00:00–08:00/);
  assert.match(await day2.locator('.gap').textContent(), /缺岗 03:00–24:00/);
  const bg = await day2.locator('.gap').evaluate((el) => getComputedStyle(el).backgroundImage);
  assert.match(bg, /gradient.*rgb\(179, 38, 30\)/, 'gaps are red');
  // the overlap: both bars flagged, and in words below
  assert.equal(await page.locator('#roster-grid .bar-overlap').count(), 2);
  assert.equal(await page.locator('#roster-grid .bar-overlap .flag').count(), 2);
  const md = dayName.slice(5);
  assert.match(await page.locator('#overlap-list').textContent(),
    new RegExp(`刘涛：翟庄村卡口（${md} 08:00–20:00）与 鑫荣公寓东门（${md} 19:00–21:00）重叠 ${md} 19:00–20:00，共 60 分钟`));
  assert.match(await page.locator('#gap-list').textContent(), new RegExp(`翟庄村卡口 ${md} 00:00–08:00 无人值守`));
  assert.match(await page.locator('#roster-summary').textContent(), /处缺岗、1 处一人两岗/);
  await shot(page, 'roster', { fullPage: true });
  // two nights for 潘鹏, 20:00-08:00: day 2's night is covered, its day now the gap
  await page.getByLabel('岗位', { exact: true }).selectOption(String(cp));
  await page.getByLabel('人员', { exact: true }).selectOption({ label: '潘鹏' });
  await page.getByLabel('第一天', { exact: true }).last().fill(dayName);
  await page.getByLabel('上岗（时:分）').fill('20:00');
  await page.getByLabel('下岗（时:分）').fill('08:00');
  await page.getByLabel('连续天数').fill('2');
  await page.getByRole('button', { name: '排班', exact: true }).click();
  // the first night overlaps 潘鹏's 20:00-03:00 on day 1: a second overlap; day 2's gap is its daytime
  await page.waitForFunction(() => /2 处一人两岗/.test(document.getElementById('roster-summary')?.textContent || ''));
  assert.match(await page.locator(`#roster-grid tr[data-post="${cp}"] td`).nth(1).locator('.gap').textContent(), /缺岗 08:00–20:00/);
  // export
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
  assert.match(dl.suggestedFilename(), /\.xlsx$/);
  noProblems(page);
  await page.context().close();
});

test('the dashboard lists the next day\'s gaps', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'panpeng');
  await page.locator('#panel-roster .tile').first().waitFor();
  // the checkpoint until tomorrow 08:00 (and the gate tonight, if 19:00-21:00 is still ahead)
  assert.ok(Number(await page.locator('#panel-roster .tile[data-count="posts_with_gaps"] .n').textContent()) >= 1);
  assert.equal(await page.locator('#panel-roster .tile[data-count="posts"] .n').textContent(), '2');
  assert.match(await page.locator('#panel-roster .roster-gaps').textContent(), /翟庄村卡口 .*无人值守/);
  noProblems(page);
  await page.context().close();
});

test('a volunteer on a phone sees only their own shifts', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'liutao');
  assert.equal(await page.locator('#nav-list a[href="#/my-shifts"]').count(), 1, 'a volunteer has "my shifts" in the menu');
  await open(page, srv, '/my-shifts');
  const cards = page.locator('#my-shifts .shift-card');
  assert.equal(await cards.count(), 2);
  assert.match(await cards.nth(0).textContent(), /08:00–20:00.*翟庄村卡口.*卡口/s);
  assert.match(await cards.nth(1).textContent(), /19:00–21:00.*鑫荣公寓东门.*顶班/s);
  assert.doesNotMatch(await page.locator('#my-shifts').textContent(), /潘鹏|20:00–03:00/);
  await noHorizontalScroll(page);
  await shot(page, 'phone-my-shifts');
  assert.equal(await page.locator('#nav-list a[href="#/roster"]').count(), 0);
  await open(page, srv, '/roster');
  assert.match(await page.locator('#main').textContent(), /没有权限|无权/);
  await page.selectOption('#lang-select', 'en');
  await open(page, srv, '/my-shifts');
  assert.match(await page.locator('#main h1').textContent(), /My shifts/);
  assert.match(await page.locator('#my-shifts').textContent(), /Checkpoint/);
  noProblems(page);
  await page.context().close();
});
