// A box goes wrong and a pool comes back positive, all through the API as a
// handheld, a driver and the lab would send it; the officer sees it on the
// dashboard, resolves the discrepancy, reads the trace and confirms control once;
// boxes at risk are listed; cards and labels are printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newPage, login, shot, noProblems, unlabelledControls, apiAs, open, settled } from './lib/harness.mjs';
import { now, peopleOf, makeSite, sampleTube } from './lib/round.mjs';

let srv; let browser; let roundId; let members;
before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  const api = await apiAs(srv, 'cuizhengbo');
  const t = now();
  const r = await api('POST', '/rounds', { name: '第二轮全员核酸', areas: ['HKG-YH'], start: t - 4 * 3600, deadline: t + 8 * 3600 });
  assert.equal(r.status, 201);
  roundId = r.data.id;
  const site = await makeSite(api, 'HKG-YH-IT-W12', '港城公寓核酸点');
  members = await peopleOf(api, 'HKG-YH-IT-W12-GC-B1-U1', 3);
  // sealed 75 minutes ago, with the driver but not at the lab: at risk (limit 90, warned from 70)
  await sampleTube(api, { round: roundId, site: site.id, tube: 'P2T0001', people: members, at: t - 100 * 60, box: 'P2BOX01', boxAt: t - 75 * 60 });
  const drv = await apiAs(srv, 'lijianhua');
  const h = await drv('POST', '/handovers', { box: 'P2BOX01', to: 'driver', vehicle: '豫A12345', count: 2, at: t - 70 * 60 });
  assert.equal(h.status, 201);
  assert.equal(h.data.discrepancy.kind, 'extra');
  const lab = await apiAs(srv, 'lab');
  const res = await lab('POST', '/results', { results: [{ tube: 'P2T0001', result: 'positive', ct: 28.5, at: t - 60 }] });
  assert.equal(res.status, 200);
  assert.equal(res.data.results[0].status, 'ok', JSON.stringify(res.data));
});
after(async () => { await browser?.close(); await srv?.stop(); });

test('the dashboard counts the open work of the round', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  const work = page.locator('#panel-round-work');
  await work.locator('.tile').first().waitFor();
  assert.equal(await work.locator('[data-count="open_discrepancies"] .n').textContent(), '1');
  assert.equal(await work.locator('[data-count="positives_pending"] .n').textContent(), '1');
  assert.equal(await work.locator('[data-count="boxes_at_risk"] .n').textContent(), '1');
  await page.locator('#panel-round-progress table').waitFor();
  await shot(page, 'dashboard-round');
  await work.locator('[data-count="boxes_at_risk"]').click();
  await settled(page);
  assert.match(page.url(), /\/turnaround$/);
  await page.locator('#at-risk table').waitFor();
  assert.match(await page.locator('#at-risk').textContent(), /P2BOX01.*即将超时/s);
  assert.match(await page.locator('#breaches').textContent(), /没有超时的样本箱/);
  assert.match(await page.locator('#turn-updated').textContent(), /更新于/);
  await shot(page, 'round-turnaround');
  noProblems(page);
  await page.context().close();
});

test('an officer resolves a discrepancy', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, `/rounds/${roundId}/discrepancies`);
  assert.match(await page.locator('#disc-open').textContent(), /待处理差异：1条/);
  const item = page.locator('#discrepancies li[data-disc]');
  assert.match(await item.textContent(), /箱号 P2BOX01.*多管.*封箱时 1 管，交接时清点 2 管/s);
  assert.deepEqual(await unlabelledControls(page), []);
  await item.getByRole('button', { name: '标记为已处理' }).click();
  assert.match(await item.textContent(), /请写明做了什么处理/);
  await shot(page, 'round-discrepancies');
  await item.getByLabel('处理说明').fill('司机点错数量，复核为1管');
  await item.getByRole('button', { name: '标记为已处理' }).click();
  await page.locator('#disc-open', { hasText: '待处理差异：0条' }).waitFor();
  assert.match(await item.textContent(), /已处理.*处理结果：司机点错数量[，,]复核为1管（cuizhengbo/s);
  assert.equal(await item.getByRole('button', { name: '标记为已处理' }).count(), 0);
  noProblems(page);
  await page.context().close();
});

test('a positive pool: trace, one confirming action, then it reads confirmed', async () => {
  const staff = await newPage(browser);
  await login(staff, srv, 'panpeng');
  await open(staff, srv, `/rounds/${roundId}/positives`);
  await staff.locator('#positives li[data-tube="P2T0001"]').waitFor();
  assert.equal(await staff.locator('[data-confirm]').count(), 0, 'staff see the pool but do not confirm');
  await staff.context().close();

  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, `/rounds/${roundId}/positives`);
  const pool = page.locator('#positives li[data-tube="P2T0001"]');
  assert.match(await pool.textContent(), /混管 P2T0001.*待确认.*3人/s);
  assert.match(await page.locator('#pos-pending').textContent(), /待确认的阳性混管：1个/);
  // the recall list is exactly the pool's members
  const recalled = await page.locator('#recalls tbody tr').allTextContents();
  assert.equal(recalled.length, 3);
  for (const m of members) assert.ok(recalled.some((r) => r.includes(m.name)), `${m.name} is recalled`);
  await pool.getByRole('button', { name: /查看追溯/ }).click();
  await pool.locator('.trace table').waitFor();
  for (const m of members) assert.match(await pool.locator('.trace').textContent(), new RegExp(m.name));
  assert.match(await pool.locator('.trace').textContent(), /所在楼栋.*共 [\d,]+ 人/s);
  await shot(page, 'round-positives');
  // the dialog says what will happen; cancel changes nothing
  await pool.getByRole('button', { name: '确认管控' }).click();
  const dlg = page.locator('#confirm-dialog');
  await dlg.waitFor();
  assert.match(await dlg.textContent(), /3 名成员实施管控.*户.*栋楼.*只需做一次/s);
  assert.deepEqual(await unlabelledControls(page), []);
  await shot(page, 'round-confirm');
  await dlg.getByRole('button', { name: '取消' }).click();
  assert.equal(await dlg.count(), 0);
  assert.match(await pool.textContent(), /待确认/);
  await pool.getByRole('button', { name: '确认管控' }).click();
  await page.locator('#confirm-dialog').getByRole('button', { name: '确认，实施管控' }).click();
  await page.locator('#positives li[data-tube="P2T0001"] .alert-ok').waitFor();
  const after = page.locator('#positives li[data-tube="P2T0001"]');
  assert.match(await after.locator('.pool-state').textContent(), /已确认/);
  assert.match(await after.textContent(), /已由cuizhengbo于.*确认：管控1户、1栋楼/);
  assert.equal(await after.getByRole('button', { name: '确认管控' }).count(), 0, 'the action is gone');
  assert.match(await page.locator('#pos-pending').textContent(), /：0个/);
  // the server agrees, and a second confirm would change nothing
  const api = await apiAs(srv, 'cuizhengbo');
  const list = await api('GET', `/rounds/${roundId}/positives`);
  assert.equal(list.data.items[0].status, 'confirmed');
  await page.reload();
  await settled(page);
  await page.locator('#positives li[data-tube="P2T0001"]').waitFor();
  assert.equal(await page.locator('[data-confirm]').count(), 0);
  noProblems(page);
  await page.context().close();
});

test('printing: too many cards is explained; labels download as a PDF', async () => {
  const page = await newPage(browser, { acceptDownloads: true });
  await login(page, srv, 'cuizhengbo');
  await page.locator('#nav-list a', { hasText: '打印码卡标签' }).click();
  await settled(page);
  assert.deepEqual(await unlabelledControls(page), []);
  await page.getByLabel('所有人').check();
  await page.getByRole('button', { name: '下载码卡PDF' }).click();
  await page.locator('#cards-form [role=alert]').waitFor();
  assert.match(await page.locator('#cards-form [role=alert]').textContent(), /码卡太多.*请选小区或楼栋分批打印/s);
  await page.getByLabel('前缀').fill('P2T');
  await page.getByLabel('数量').fill('30');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载标签PDF' }).click()]);
  assert.match(dl.suggestedFilename(), /^labels-P2T.*\.pdf$/);
  assert.equal(readFileSync(await dl.path()).subarray(0, 5).toString(), '%PDF-');
  await shot(page, 'print');
  noProblems(page);
  await page.context().close();
});
