// /checkpoint, the checkpoint staff's phone view at 360 px: an arrival decided at once
// online; with the network off, a risk-area returnee with a hardship and a red-code
// walk-in are kept as "awaiting decision" (through a reload), then decided when the
// network is back: each entry reaches the server exactly once, the returnee has an
// isolation case and a request for the destination household. Mistakes are refused in
// words before anything is queued. English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, apiAs, shot, noProblems, unlabelledControls, noHorizontalScroll } from './lib/harness.mjs';

let srv; let browser; let officer; let people; let household;
const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

before(async () => {
  srv = await startServer(); browser = await launchBrowser();
  officer = await apiAs(srv, 'cuizhengbo');
  const cp = await officer('POST', '/checkpoints', { name: '港城路卡口', area: 'HKG-YH-IT-W12', posts: 2 });
  assert.equal(cp.status, 201, JSON.stringify(cp.data));
  const s = await fetch(`${srv.base}api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: srv.password }) });
  const { token } = await s.json(); // the risk-area list is city-wide: an admin imports it
  const r = await fetch(`${srv.base}api/v1/risk-areas`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' },
    body: `name,level,valid_from,valid_to\n上海市浦东新区,high,${today()},${today()}\n`,
  });
  assert.equal(r.status, 200, await r.text());
  const p = await officer('GET', '/persons?area=HKG-YH-IT-W12&limit=40');
  people = p.data.items.filter((x) => x.id_type === 'id_card');
  assert.ok(people.length >= 2, 'residents with ID cards');
  household = (await officer('GET', '/households?area=HKG-YH-IT-W12&limit=1')).data.items[0];
});
after(async () => { await browser?.close(); await srv?.stop(); });

function noProblemsButOffline(page) {
  page.problems = page.problems.filter((p) => !/Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|FAILED)/.test(p));
  noProblems(page);
}

const unsynced = async (page) => Number(await page.locator('#unsynced').textContent());
async function waitUnsynced(page, n) {
  await page.waitForFunction((x) => document.getElementById('unsynced').textContent === String(x), n, { timeout: 20000 });
}
async function record(page) {
  const seq = Number(await page.locator('#feedback').getAttribute('data-seq'));
  await page.getByRole('button', { name: '登记', exact: true }).click();
  await page.waitForFunction((s) => Number(document.getElementById('feedback').dataset.seq) > s, seq);
}
const entryRow = (page, who) => page.locator('#log li', { hasText: who });

test('entries made offline wait as "awaiting decision" and are decided once when synced', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  const ctx = page.context();
  await page.goto(`${srv.base}checkpoint`);
  await page.locator('#login-user').fill('panpeng');
  await page.locator('#login-pass').fill(srv.password);
  await page.locator('#login-form button[type=submit]').click();
  await page.locator('#setup-cp').waitFor();
  assert.match(page.url(), /\/checkpoint\/$/);
  await page.locator('#setup-form button[type=submit]').click();
  await page.locator('#work-view').waitFor();
  assert.deepEqual(await unlabelledControls(page), []);
  await page.evaluate(() => navigator.serviceWorker.ready);

  // online: decided on the spot
  const [a, b] = people;
  await page.getByLabel('扫个人码或输入身份证号').fill(a.id_number);
  await page.getByLabel('体温（℃）').fill('36.4');
  await record(page);
  await page.waitForFunction(() => /通行/.test(document.getElementById('feedback').textContent));
  assert.match(await entryRow(page, a.id_number.slice(-4)).textContent(), /通行/);

  // mistakes are said in words, nothing is queued
  await page.getByLabel('扫个人码或输入身份证号').fill(`${b.id_number.slice(0, 17)}${b.id_number[17] === '0' ? '1' : '0'}`);
  await page.getByRole('button', { name: '登记', exact: true }).click();
  assert.match(await page.locator('#entry-error [role=alert]').textContent(), /校验/);
  assert.equal(await unsynced(page), 0);

  // offline: a returnee from a risk area with a hardship, going home
  await ctx.setOffline(true);
  await page.getByLabel('扫个人码或输入身份证号').fill(b.id_number);
  await page.getByLabel('14天内到过的城市').fill('上海，西安');
  await page.getByLabel('目的地住户').fill(household.full_address);
  await page.getByLabel('家庭困难（如有）').fill('家中老人无人照顾');
  await page.getByLabel('车牌号').fill('豫A12345');
  await record(page);
  assert.match(await page.locator('#feedback').textContent(), /已登记，待研判/);
  // a walk-in with a red code, whose phone is missing at first
  const walkIn = idNumber('41018419900101123');
  await page.getByLabel('扫个人码或输入身份证号').fill(walkIn);
  await page.getByLabel('现场登记（系统里没有此人）').check();
  await page.getByLabel('姓名').fill('返乡人');
  await page.locator('label.code-red').click();
  await page.getByRole('button', { name: '登记', exact: true }).click();
  assert.match(await page.locator('#entry-error [role=alert]').textContent(), /手机号/);
  await page.getByLabel('手机号').fill('13812345678');
  await record(page);
  await waitUnsynced(page, 2);
  assert.match(await entryRow(page, '返乡人').textContent(), /待研判/);
  await page.reload(); // a reload with entries still queued, still offline
  await page.locator('#work-view').waitFor();
  await waitUnsynced(page, 2);
  assert.equal(await page.locator('#log [data-state="pending"]').count(), 2);
  assert.equal(await page.locator('#net').getAttribute('data-i18n'), 'cpgate.offline');
  await noHorizontalScroll(page);
  await shot(page, 'checkpoint-offline');

  // back online: decided by the server, each once
  await ctx.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await waitUnsynced(page, 0);
  await page.waitForFunction(() => document.querySelectorAll('#log [data-state="pending"]').length === 0);
  assert.match(await entryRow(page, b.id_number.slice(-4)).textContent(), /居家隔离 · 上海市浦东新区 · 已转居民服务/);
  // a referral calls for a test: a recall into the open round there, or one waiting for the next
  assert.match(await entryRow(page, '返乡人').textContent(), /转送核查 · (已加入核酸召回名单|待下一轮核酸召回)/);
  const reg = await officer('GET', '/arrivals?area=HKG-YH-IT-W12');
  assert.equal(reg.data.items.length, 3, 'three entries, each once');
  const returnee = reg.data.items.find((x) => x.person.id === b.id);
  assert.equal(returnee.decision, 'home_isolation');
  assert.deepEqual(returnee.cities, ['上海', '西安']);
  assert.equal(returnee.plate, '豫A12345');
  assert.ok(returnee.isolation, 'an isolation case was opened');
  const req = await officer('GET', `/requests/${returnee.request}`);
  assert.equal(req.data.household, household.id);
  assert.equal(reg.data.items.find((x) => x.walk_in).health_code, 'red');
  const referred = reg.data.items.find((x) => x.walk_in);
  assert.ok(referred.recall || referred.pending_recall, 'the referral made a recall');

  await page.locator('#lang-select').selectOption('en');
  await page.waitForFunction(() => /Home isolation/.test(document.getElementById('log').textContent));
  noProblemsButOffline(page);
  await ctx.close();
});
