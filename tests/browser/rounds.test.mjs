// The round officer's screens: open a round from the form, watch coverage move
// as samples arrive through the API, drill down the area tree, download the
// untested list, record an exemption, run the sites; the same in English and
// on a 360 px phone; the round panels on the dashboard; who sees the screens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newPage, login, shot, noProblems, noHorizontalScroll, unlabelledControls, apiAs, open, settled } from './lib/harness.mjs';
import { now, peopleOf, makeSite, sampleTube } from './lib/round.mjs';

let srv; let browser; let roundId;
const UNIT = 'HKG-YH-IT-W12-XR-B1-U1';
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

const tile = (page, k) => page.locator(`#coverage .tile[data-count="${k}"] .n`).textContent();
const num = (s) => Number(String(s).replace(/[^\d]/g, ''));

test('an officer opens a round from the form and watches its coverage move', async () => {
  const page = await newPage(browser, { acceptDownloads: true });
  await login(page, srv, 'cuizhengbo');
  await page.locator('#nav-list a', { hasText: '检测轮次' }).click();
  await settled(page);
  assert.match(await page.locator('#rounds-list').textContent(), /还没有检测轮次/);
  await page.getByRole('link', { name: '新建检测轮次' }).click();
  await settled(page);
  assert.deepEqual(await unlabelledControls(page), []);
  // the deadline before the start is refused as you submit
  await page.getByLabel('轮次名称').fill('第一轮全员核酸');
  await page.evaluate(() => {
    const v = (t) => { const d = new Date(t * 1000); const p = (n) => String(n).padStart(2, '0'); return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`; };
    const s = Math.floor(Date.now() / 1000) - 2 * 3600;
    document.getElementById('rf-start').value = v(s);
    document.getElementById('rf-deadline').value = v(s - 60);
  });
  await page.getByRole('button', { name: '开始这一轮' }).click();
  assert.match(await page.locator('#rf-deadline-msg').textContent(), /完成时限要晚于开始时间/);
  await page.evaluate(() => {
    const d = new Date(Date.now() + 20 * 3600e3); const p = (n) => String(n).padStart(2, '0');
    document.getElementById('rf-deadline').value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  });
  assert.match(await page.locator('#rf-areas').textContent(), /银河办事处/, 'the current area is proposed');
  assert.equal(await page.getByLabel('管控区').inputValue(), '10');
  await shot(page, 'round-new');
  await page.getByRole('button', { name: '开始这一轮' }).click();
  await page.waitForURL(/#\/rounds\/\d+$/);
  await settled(page);
  roundId = page.url().match(/rounds\/(\d+)/)[1];
  assert.match(await page.locator('#main h1').textContent(), /检测轮次：第一轮全员核酸/);
  await page.locator('#coverage .tile').first().waitFor();
  const inScope = num(await tile(page, 'in_scope'));
  assert.ok(inScope > 1000, `in scope ${inScope}`);
  assert.equal(num(await tile(page, 'sampled')), 0);

  // three people sampled through the API
  const api = await apiAs(srv, 'cuizhengbo');
  const site = await makeSite(api, 'HKG-YH-IT-W12', '鑫荣公寓核酸点');
  const people = await peopleOf(api, UNIT, 3);
  await sampleTube(api, { round: Number(roundId), site: site.id, tube: 'R1T0001', people, at: now() - 1800 });
  await open(page, srv, `/rounds/${roundId}/progress`);
  assert.equal(num(await tile(page, 'sampled')), 3);
  assert.equal(num(await tile(page, 'untested')), inScope - 3);
  assert.equal(await page.locator('#hourly svg.chart rect.bar').count(), 1);
  await shot(page, 'round-progress');

  // down the tree to the unit: the same three are sampled, the rest are listed as untested
  for (const code of ['HKG-YH-IT', 'HKG-YH-IT-W12', 'HKG-YH-IT-W12-XR', 'HKG-YH-IT-W12-XR-B1', UNIT]) {
    await page.locator(`#coverage table a[href$="area=${code}"]`).click();
    await settled(page);
  }
  assert.match(await page.locator('#cov-h').textContent(), /1单元/);
  assert.match(await page.locator('#coverage .crumbs').textContent(), /银河办事处.*鑫荣公寓1号楼.*1单元/s);
  assert.equal(num(await tile(page, 'sampled')), 3);
  const untested = num(await tile(page, 'untested'));
  await page.locator('#untested table').waitFor();
  const listed = await page.locator('#untested tbody tr').allTextContents();
  for (const p of people) assert.ok(!listed.some((r) => r.includes(p.id_number)), `${p.name} is sampled, not listed`);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#untested a[data-export="csv"]').click()]);
  assert.match(dl.suggestedFilename(), new RegExp(`^untested-${roundId}-${UNIT}\\.csv$`));
  const csv = readFileSync(await dl.path(), 'utf8');
  assert.equal(csv.trim().split('\n').length - 1, untested, 'one row per untested person');
  assert.ok(!csv.includes(people[0].id_number));
  const [x] = await Promise.all([page.waitForEvent('download'), page.locator('#untested a[data-export="xlsx"]').click()]);
  assert.equal(readFileSync(await x.path()).subarray(0, 2).toString(), 'PK');
  await shot(page, 'round-untested');
  noProblems(page);
  await page.context().close();
});

test('staff record an exemption, and it is counted', async () => {
  const api = await apiAs(srv, 'panpeng');
  const [, , , someone] = await peopleOf(api, UNIT, 4);
  const page = await newPage(browser);
  await login(page, srv, 'panpeng');
  await open(page, srv, `/rounds/${roundId}/progress?area=${UNIT}`);
  const before = num(await tile(page, 'exempt'));
  await page.locator('.tabs a', { hasText: '免检登记' }).click();
  await settled(page);
  assert.deepEqual(await unlabelledControls(page), []);
  await page.getByLabel('查找人员（姓名、身份证号、手机号）').fill(someone.id_number);
  await page.getByLabel('查找人员（姓名、身份证号、手机号）').press('Enter');
  await page.getByRole('button', { name: `选择 ${someone.name}` }).click();
  assert.match(await page.locator('#ex-chosen').textContent(), new RegExp(someone.name));
  await page.getByLabel('免检原因').selectOption('bedridden');
  await page.getByLabel('说明').fill('长期卧床，家属确认');
  await page.getByRole('button', { name: '登记免检' }).last().click();
  await page.locator('#exemptions table').waitFor();
  assert.match(await page.locator('#exemptions').textContent(), new RegExp(`${someone.name}.*卧床不起`, 's'));
  await shot(page, 'round-exemptions');
  // twice is refused in words
  await page.getByLabel('查找人员（姓名、身份证号、手机号）').fill(someone.id_number);
  await page.getByLabel('查找人员（姓名、身份证号、手机号）').press('Enter');
  await page.getByRole('button', { name: `选择 ${someone.name}` }).click();
  await page.getByRole('button', { name: '登记免检' }).last().click();
  await page.locator('#round-exemptions [role=alert]').waitFor();
  assert.match(await page.locator('#round-exemptions [role=alert]').textContent(), /已经登记免检了/);
  await open(page, srv, `/rounds/${roundId}/progress?area=${UNIT}`);
  assert.equal(num(await tile(page, 'exempt')), before + 1);
  noProblems(page);
  await page.context().close();
});

test('sites: an officer adds one, changes its status; staff report the queue', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, `/rounds/${roundId}/sites`);
  assert.deepEqual(await unlabelledControls(page), []);
  await page.getByLabel('采样点名称').fill('港城公寓核酸点');
  await page.getByLabel('采样台数').fill('4');
  await page.getByRole('button', { name: '添加采样点' }).click();
  const row = page.locator('#sites tbody tr', { hasText: '港城公寓核酸点' });
  await row.waitFor();
  await row.getByLabel('港城公寓核酸点的状态').selectOption('paused');
  await page.locator('#sites tbody tr', { hasText: '港城公寓核酸点' }).locator('[data-state="resting"]').waitFor();
  await shot(page, 'round-sites');
  await page.context().close();

  const staff = await newPage(browser);
  await login(staff, srv, 'panpeng');
  await open(staff, srv, `/rounds/${roundId}/sites`);
  assert.equal(await staff.locator('#site-form').count(), 0, 'staff do not add sites');
  const r = staff.locator('#sites tbody tr', { hasText: '鑫荣公寓核酸点' });
  await r.getByLabel('鑫荣公寓核酸点的排队人数').fill('30');
  await r.getByRole('button', { name: '上报' }).click();
  await staff.locator('#toast', { hasText: '已上报鑫荣公寓核酸点的排队人数' }).waitFor();
  noProblems(staff);
  await staff.context().close();
});

test('the dashboard shows the current round, in English too, and fits a phone', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'cuizhengbo');
  await page.locator('#panel-round-progress table').waitFor();
  assert.match(await page.locator('#panel-round-progress').textContent(), /第一轮全员核酸.*3 \/ /s);
  assert.match(await page.locator('#panel-round-progress').textContent(), /IT产业园社区服务中心/);
  await page.locator('#panel-round-work .tile').first().waitFor();
  await noHorizontalScroll(page);
  for (const tab of ['progress', 'exemptions', 'discrepancies', 'positives', 'turnaround', 'sites']) {
    await open(page, srv, `/rounds/${roundId}/${tab}`);
    await noHorizontalScroll(page);
  }
  for (const route of ['/rounds', '/rounds?new=1', '/print']) {
    await open(page, srv, route);
    await noHorizontalScroll(page);
  }
  await open(page, srv, `/rounds/${roundId}/progress`);
  await shot(page, 'phone-round');
  await page.selectOption('#lang-select', 'en');
  await settled(page);
  await page.locator('#coverage .tile').first().waitFor();
  assert.match(await page.locator('#main h1').textContent(), /Round: 第一轮全员核酸/);
  assert.match(await page.locator('#coverage').textContent(), /Not yet tested/);
  assert.match(await page.locator('.tabs').textContent(), /Positive pools/);
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, srv, '/dashboard');
  await page.locator('#panel-round-progress table').waitFor();
  assert.match(await page.locator('#panel-round-progress h2').textContent(), /Current round's progress/);
  await shot(page, 'dashboard-round-en');
  noProblems(page);
  await page.context().close();
});

test('registrars and drivers do not see the round screens', async () => {
  for (const user of ['zhangmingqiang', 'lijianhua']) {
    const page = await newPage(browser);
    await login(page, srv, user);
    assert.equal(await page.locator('#nav-list a[href="#/rounds"]').count(), 0);
    await open(page, srv, `/rounds/${roundId}`);
    assert.match(await page.locator('#main').textContent(), /没有权限|无权/);
    await page.context().close();
  }
});
