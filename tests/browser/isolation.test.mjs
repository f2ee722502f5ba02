// The isolation board and today's worklist: cases opened through the API show
// up with what is due; an officer's release is refused in words, naming each
// unmet condition; staff see the lists but no release; English; a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, noHorizontalScroll, unlabelledControls, apiAs, open, settled } from './lib/harness.mjs';
import { now } from './lib/round.mjs';

let srv; let browser; let people;
before(async () => {
  srv = await startServer(); browser = await launchBrowser();
  const api = await apiAs(srv, 'cuizhengbo');
  const r = await api('GET', '/persons?q=%E5%BC%A0&limit=50');
  // two people whose names do not contain each other (the rows are found by name)
  const a = r.data.items[0];
  people = [a, r.data.items.find((q) => !q.name.includes(a.name) && !a.name.includes(q.name))];
  assert.equal(people.length, 2);
  const mk = async (p, body) => {
    const x = await api('POST', '/isolations', { person: p.id, ...body });
    assert.equal(x.status, 201, JSON.stringify(x.data));
    return x.data;
  };
  await mk(people[0], { type: 'home_isolation', reason: 'close_contact' });
  await mk(people[1], { type: 'central', reason: 'red_code', start: now() - 20 * 86400 });
});
after(async () => { await browser?.close(); await srv?.stop(); });

test('an officer sees the worklist and the board, and a release refused in words', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await page.locator('#nav-list a', { hasText: '隔离管控' }).click();
  await settled(page);
  assert.deepEqual(await unlabelledControls(page), []);
  const row0 = page.locator('#iso-worklist tbody tr', { hasText: people[0].name });
  assert.match(await row0.textContent(), /居家隔离.*第 1 天.*待登记.*待检测/s);
  assert.equal(await page.locator('#iso-worklist .tile[data-count="checkins"] .n').textContent(), '2');
  const board0 = page.locator('#iso-cases tbody tr', { hasText: people[0].name });
  assert.match(await board0.textContent(), /居家隔离.*密切接触者.*在管/s);
  const board1 = page.locator('#iso-cases tbody tr', { hasText: people[1].name });
  assert.match(await board1.textContent(), /集中隔离.*红码/s);
  // day 1 of 7: neither the last day nor a negative result
  await board0.getByRole('button', { name: `解除隔离 ${people[0].name}` }).click();
  await page.locator('#iso-refusal').waitFor();
  const words = await page.locator('#iso-refusal').textContent();
  assert.match(words, new RegExp(`还不能解除 ${people[0].name} 的隔离`));
  assert.match(words, /隔离期最后一天（\d{4}\/\d\d\/\d\d）还没到/);
  assert.match(words, /还没有 \d{4}\/\d\d\/\d\d（最后一次检测日）当天或之后采样的阴性结果/);
  await shot(page, 'isolation-refused');
  // twenty days on, only the negative result is missing
  await board1.getByRole('button', { name: `解除隔离 ${people[1].name}` }).click();
  await page.locator('#iso-refusal', { hasText: people[1].name }).waitFor();
  const w1 = await page.locator('#iso-refusal').textContent();
  assert.doesNotMatch(w1, /最后一天/);
  assert.match(w1, /阴性结果/);
  // the released filter: none yet
  await page.getByLabel('显示').selectOption('released');
  await page.locator('#iso-cases .empty').waitFor();
  noProblems(page);
  await page.context().close();
});

test('staff see the lists without a release button; English; a phone', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'panpeng');
  await open(page, srv, '/isolation');
  await page.locator('#iso-worklist tbody tr').first().waitFor();
  assert.equal(await page.locator('[data-release]').count(), 0);
  await noHorizontalScroll(page);
  await shot(page, 'phone-isolation');
  await page.selectOption('#lang-select', 'en');
  await page.locator('#iso-cases tbody tr', { hasText: 'Close contact' }).waitFor();
  assert.match(await page.locator('#main h1').textContent(), /Isolation/);
  assert.match(await page.locator('#iso-worklist').textContent(), /Home isolation.*Day 1/s);
  assert.match(await page.locator('#iso-cases').textContent(), /Close contact/);
  noProblems(page);
  await page.context().close();
});

test('registrars do not see the isolation screen', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'zhangmingqiang');
  assert.equal(await page.locator('#nav-list a[href="#/isolation"]').count(), 0);
  await open(page, srv, '/isolation');
  assert.match(await page.locator('#main').textContent(), /没有权限|无权/);
  await page.context().close();
});
