// Disinfection: on a phone (360 px) staff see the overdue place first (also on the
// dashboard), record a treatment for it and see it leave the overdue list and enter the
// log; an officer schedules a site twice a day and is told in words about an unknown area.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, noHorizontalScroll, unlabelledControls, apiAs, open } from './lib/harness.mjs';
import { now } from './lib/round.mjs';

let srv; let browser; let site;
before(async () => {
  srv = await startServer(); browser = await launchBrowser();
  const api = await apiAs(srv, 'cuizhengbo');
  const xr = await api('POST', '/disinfection/schedules', { kind: 'area', area: 'HKG-YH-IT-W12-XR', interval_h: 24, agent: '含氯消毒剂' });
  assert.equal(xr.status, 201, JSON.stringify(xr.data));
  // 港城公寓 every hour, last treated two hours ago: overdue by an hour
  const gc = await api('POST', '/disinfection/schedules', { kind: 'area', area: 'HKG-YH-IT-W12-GC', interval_h: 1, agent: '过氧乙酸' });
  assert.equal(gc.status, 201, JSON.stringify(gc.data));
  const t = await api('POST', `/disinfection/schedules/${gc.data.id}/treatments`, { team: '卫生消杀队', at: now() - 7200 });
  assert.equal(t.status, 201, JSON.stringify(t.data));
  site = (await api('POST', '/sites', { name: '鑫荣公寓核酸点', area: 'HKG-YH-IT-W12-XR', tables: 4 })).data;
  const team = await api('POST', '/teams', { area: 'HKG-YH-IT-W12', name: '卫生消杀一队', kind: 'disinfection' });
  assert.equal(team.status, 201, JSON.stringify(team.data));
});
after(async () => { await browser?.close(); await srv?.stop(); });

test('on a phone: the overdue place first, a treatment recorded, the list and log updated', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'panpeng');
  await open(page, srv, '/dashboard');
  await page.locator('#panel-disinfection [data-count="overdue"]', { hasText: '1' }).waitFor();
  assert.match(await page.locator('#panel-disinfection').textContent(), /港城公寓/);
  await page.locator('#panel-disinfection a[href="#/disinfection"]').click();
  await page.locator('#overdue .item').first().waitFor();
  assert.deepEqual(await unlabelledControls(page), []);
  await noHorizontalScroll(page);
  const overdue = await page.locator('#overdue').textContent();
  assert.match(overdue, /共 1 处超时.*港城公寓.*已超时.*超时 1 小时/s);
  assert.doesNotMatch(overdue, /鑫荣公寓/);
  await page.locator('#overdue .item', { hasText: '港城公寓' }).getByRole('button', { name: /记录消杀/ }).click();
  assert.equal(await page.getByLabel('地点', { exact: true }).inputValue() !== '', true);
  assert.equal(await page.getByLabel('消毒剂', { exact: true }).first().inputValue(), '过氧乙酸');
  // the team is needed
  await page.getByRole('button', { name: '记录消杀', exact: true }).last().click();
  await page.locator('#treat [role=alert]', { hasText: '请填写消杀队' }).waitFor();
  // the roster's team: no name to type
  await page.getByLabel('排班中的消杀队').selectOption({ label: '卫生消杀一队' });
  assert.equal(await page.locator('#tr-team').isVisible(), false);
  await page.getByLabel('浓度').fill('0.2%');
  await page.getByLabel('操作人').fill('王师傅');
  await page.locator('#treat button[type=submit]').click();
  await page.locator('#toast', { hasText: '已记录：港城公寓' }).waitFor();
  await page.locator('#overdue', { hasText: '没有超时未消杀的地点' }).waitFor();
  assert.match(await page.locator('#log tbody tr').first().textContent(), /港城公寓.*卫生消杀一队.*过氧乙酸.*0\.2%.*王师傅/s);
  await noHorizontalScroll(page);
  await shot(page, 'phone-disinfection');
  noProblems(page);
  await page.context().close();
});

test('an officer schedules a site twice a day; an unknown area is refused in words; English', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, '/disinfection');
  await page.getByLabel('地点类型').selectOption('area');
  await page.getByLabel('区域编码').fill('HKG-NOWHERE');
  await page.getByRole('button', { name: '新建', exact: true }).click();
  await page.locator('#new-schedule [role=alert]').waitFor();
  assert.match(await page.locator('#new-schedule [role=alert]').textContent(), /没有找到这个区域/);
  await page.getByLabel('地点类型').selectOption('site');
  await page.locator('#ns-site').selectOption(String(site.id));
  await page.getByLabel('频次', { exact: true }).selectOption('12');
  await page.getByRole('button', { name: '新建', exact: true }).click();
  await page.locator('#toast', { hasText: '已新建消杀计划：鑫荣公寓核酸点' }).waitFor();
  const row = page.locator('#schedules tbody tr', { hasText: '鑫荣公寓核酸点' });
  await row.waitFor();
  assert.match(await row.textContent(), /采样点.*每天两次.*含氯消毒剂.*从未消杀.*按时/s);
  // the homes of new cases: every 12 h from now on
  await page.locator('#dis-settings-card summary').click();
  assert.equal(await page.getByLabel('新开隔离案例时，自动给其住户建立消杀计划').isChecked(), true);
  await page.locator('#ds-interval').selectOption('12');
  await page.locator('#dis-settings button[type=submit]').click();
  await page.locator('#toast', { hasText: '消杀设置已保存' }).waitFor();
  const api = await apiAs(srv, 'cuizhengbo');
  assert.equal((await api('GET', '/disinfection/settings')).data.home_interval_h, 12);
  await page.selectOption('#lang-select', 'en');
  await page.locator('#schedules tbody tr', { hasText: 'twice a day' }).waitFor();
  noProblems(page);
  await page.context().close();
});
