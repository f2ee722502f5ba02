// Chinese first, English on request: the switch, its memory, and whole screens
// in either language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, open } from './lib/harness.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

test('zh-CN by default; English is remembered; screens change language in place', async () => {
  const page = await newPage(browser);
  await page.goto(srv.base);
  await page.locator('input[name=username]').waitFor();
  assert.equal(await page.title(), '登录 · 防线');
  assert.equal((await page.locator('#main h1').textContent()).trim(), '登录');
  assert.equal(await page.getByLabel('语言').inputValue(), 'zh-CN');

  await page.getByLabel('语言').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal((await page.locator('#main h1').textContent()).trim(), 'Log in');
  assert.ok(await page.getByLabel('User name').isVisible());
  assert.equal(await page.title(), 'Log in · fangxian');

  // remembered across a reload
  await page.reload();
  await page.locator('input[name=username]').waitFor();
  assert.equal((await page.locator('#main h1').textContent()).trim(), 'Log in');
  assert.equal(await page.getByLabel('Language').inputValue(), 'en');

  // errors in English too
  await page.getByLabel('User name').fill('panpeng');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  assert.match(await page.locator('#login-message [role=alert]').textContent(), /Wrong user name or password/);

  await login(page, srv, 'panpeng');
  assert.deepEqual((await page.locator('#nav-list a').allTextContents()).map((s) => s.trim()),
    ['Overview', 'Areas & households', 'Find a person', 'Check identity', 'Import & export', 'Merchants', 'Testing rounds', 'Print cards and labels', 'Transport', 'Isolation', 'Door alarms', 'Zones', 'Door sensors', 'Resident services', 'Garbage rounds', 'Work orders', 'Checkpoints & arrivals', 'Door-to-door', 'Supplies', 'Disinfection', 'Teams and mentors', 'Duty roster']);
  assert.deepEqual((await page.locator('#nav-list .nav-heading').allTextContents()).map((s) => s.trim()),
    ['Registry', 'Testing', 'Isolation & zones', "Residents' needs", 'Field work', 'Teams & duty']);
  assert.equal(await page.getByRole('group', { name: 'Isolation & zones' }).getByRole('link').count(), 4);
  await page.locator('#panel-population table').waitFor();
  assert.match(await page.locator('#panel-population').textContent(), /People.*Households/);
  await shot(page, 'dashboard-en');

  // export links ask for English headers
  await open(page, srv, `/import`);
  await page.locator('[data-export=xlsx]').waitFor();
  assert.match(await page.locator('[data-export=xlsx]').getAttribute('href'), /&lang=en$/);

  // a half-filled form keeps what was typed when the language changes
  await open(page, srv, `/persons/new`);
  await page.getByLabel('Name').fill('王五');
  await page.getByLabel('Document number').fill('110101199003070039');
  await page.getByLabel('Document number').blur();
  assert.match(await page.locator('#pf-id_number-msg').textContent(), /check digit/);
  await page.getByLabel('Language').selectOption('zh-CN');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.equal(await page.getByLabel('姓名').inputValue(), '王五');
  assert.match(await page.locator('#pf-id_number-msg').textContent(), /校验位/);
  assert.equal((await page.locator('#main h1').textContent()).trim(), '新增人员');
  assert.equal(await page.evaluate(() => localStorage.getItem('fx.lang')), 'zh-CN');
  noProblems(page);
  await page.context().close();
});
