// Login by role: where each role lands, what its menu holds, a wrong
// password in words, logout, and an expired session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, open, settled } from './lib/harness.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

const navTexts = async (page) => (await page.locator('#nav-list a').allTextContents()).map((s) => s.trim());
const headingTexts = async (page) => (await page.locator('#nav-list .nav-heading').allTextContents()).map((s) => s.trim());

test('a wrong password is explained in Chinese and the form stays', async () => {
  const page = await newPage(browser);
  await page.goto(srv.base);
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  assert.equal((await page.locator('#main h1').textContent()).trim(), '登录');
  await shot(page, 'login');
  await page.locator('input[name=username]').fill('panpeng');
  await page.locator('input[name=password]').fill('not-the-password');
  await page.locator('form button[type=submit]').click();
  const alert = page.locator('#login-message [role=alert]');
  await alert.waitFor();
  const text = await alert.textContent();
  assert.match(text, /用户名或密码不正确/);
  assert.match(text, /请检查后重新输入/);
  assert.equal(await page.locator('input[name=password]').inputValue(), '', 'the wrong password is cleared');
  assert.ok(await page.locator('input[name=password]').evaluate((el) => el === document.activeElement), 'focus goes back to the password');
  await shot(page, 'login-error');
  // an empty form is caught before it is sent
  await page.locator('input[name=username]').fill('');
  await page.locator('form button[type=submit]').click();
  assert.match(await page.locator('#login-message').textContent(), /请填写用户名和密码/);
  noProblems(page);
  await page.context().close();
});

test('staff land on the dashboard with the registry menu and their own area', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'panpeng');
  assert.match(page.url(), /#\/dashboard$/);
  assert.equal((await page.locator('#main h1').textContent()).trim(), '工作总览');
  assert.deepEqual(await navTexts(page), ['工作总览', '区域与住户', '人员查询', '核验身份', '导入导出', '商户', '检测轮次', '打印码卡标签', '转运调度', '隔离管控', '门磁告警', '封控管控区', '门磁设备', '居民服务', '垃圾清运', '工单办理', '卡口与返乡人员', '逐户排查', '物资', '消杀', '队伍与帮带', '值班排班']);
  assert.equal(await page.locator('#nav-list a[aria-current=page]').textContent(), '工作总览');
  // the menu in groups under headings, each a labelled group of its links
  assert.deepEqual(await headingTexts(page), ['基础信息', '核酸检测', '隔离封控', '生活保障', '现场工作', '队伍值班']);
  const nav = page.getByRole('navigation', { name: '主菜单' });
  const testing = nav.getByRole('group', { name: '核酸检测' });
  assert.deepEqual((await testing.getByRole('link').allTextContents()).map((s) => s.trim()), ['检测轮次', '打印码卡标签', '转运调度']);
  // every item of the menu (those of other roles too) names a group that has a place in it
  const stray = await page.evaluate(async () => {
    const m = await import(new URL('js/nav.js', document.baseURI).href);
    return m.NAV.filter((n) => !m.GROUPS.some((g) => g.id === n.group)).map((n) => n.href);
  });
  assert.deepEqual(stray, [], 'menu items without a group');
  assert.match(await page.locator('#area-button').textContent(), /第十二工作站/);
  assert.match(await page.locator('#user-name').textContent(), /潘鹏/);
  // the population panel reads the counters of the area and its children
  const persons = page.locator('#panel-population [data-count=persons] .n');
  await persons.waitFor();
  assert.match(await persons.textContent(), /^20,3\d\d$/);
  assert.match(await page.locator('#panel-population table').textContent(), /鑫荣公寓/);
  assert.equal(await page.locator('#panel-population svg.chart rect.bar').count(), 2);
  await page.locator('#panel-imports table').waitFor();
  assert.match(await page.locator('#panel-imports').textContent(), /已完成/);
  await shot(page, 'dashboard');
  // beside the desk every group is open; a heading folds its group and opens it again
  const fold = nav.getByRole('button', { name: '核酸检测' });
  assert.equal(await fold.getAttribute('aria-expanded'), 'true');
  assert.ok(await nav.getByRole('link', { name: '队伍与帮带' }).isVisible());
  await fold.click();
  assert.equal(await fold.getAttribute('aria-expanded'), 'false');
  assert.ok(!(await nav.getByRole('link', { name: '转运调度' }).isVisible()));
  await fold.press('Enter');
  assert.equal(await fold.getAttribute('aria-expanded'), 'true');
  assert.ok(await nav.getByRole('link', { name: '转运调度' }).isVisible());
  noProblems(page);
  await page.context().close();
});

test('an officer lands on the dashboard of their sub-district', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  assert.match(page.url(), /#\/dashboard$/);
  assert.match(await page.locator('#area-button').textContent(), /银河办事处/);
  await page.locator('#panel-population table').waitFor();
  assert.match(await page.locator('#panel-population table').textContent(), /IT产业园社区服务中心/);
  noProblems(page);
  await page.context().close();
});

test('a registrar lands on sampling (coming soon) and may not open the person search', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'zhangmingqiang');
  assert.match(page.url(), /#\/collect$/);
  assert.deepEqual(await navTexts(page), ['采样登记即将上线', '核验身份']);
  assert.deepEqual(await headingTexts(page), [], 'two items need no group headings');
  assert.equal((await page.locator('#main h1').textContent()).trim(), '采样登记');
  assert.match(await page.locator('#main').textContent(), /即将上线/);
  await shot(page, 'registrar-collect');
  await open(page, srv, `/persons`);
  const msg = page.locator('#forbidden');
  await msg.waitFor();
  assert.match(await msg.textContent(), /采样登记员/);
  assert.match(await msg.textContent(), /没有权限打开这个页面/);
  assert.match(await msg.textContent(), /请联系工作站负责人/);
  await shot(page, 'registrar-forbidden');
  noProblems(page);
  await page.context().close();
});

test('a driver lands on their runs', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'lijianhua');
  assert.match(page.url(), /#\/runs$/);
  assert.equal((await page.locator('#main h1').textContent()).trim(), '我的转运');
  assert.deepEqual(await navTexts(page), ['我的转运']);
  assert.deepEqual(await headingTexts(page), []);
  noProblems(page);
  await page.context().close();
});

test('logout ends the session; an expired session returns to the login with a message, then back to the page', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'panpeng');
  await page.locator('#logout').click();
  await page.locator('input[name=username]').waitFor();
  assert.match(await page.locator('#login-message').textContent(), /您已退出登录/);
  const cookies = await page.context().cookies();
  assert.ok(!cookies.some((c) => c.name === 'fx_session' && c.value), 'the session cookie is gone');
  // the app after logout: the API refuses
  const r = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
  assert.equal(r, 401);

  await login(page, srv, 'panpeng');
  await open(page, srv, `/persons`);
  await page.locator('#main h1').waitFor();
  // the server forgets the session (expiry, a new password, revoked): the next call answers 401
  await page.context().addCookies([{ name: 'fx_session', value: `fxs_${'0'.repeat(64)}`, url: srv.base }]);
  await page.locator('#main input[type=search]').fill('张丹');
  await page.locator('#main form button[type=submit]').click();
  const notice = page.locator('#login-message');
  await page.locator('input[name=username]').waitFor();
  assert.match(await notice.textContent(), /登录已过期，请重新登录/);
  await shot(page, 'session-expired');
  // logging in again goes back to where the user was
  await page.locator('input[name=username]').fill('panpeng');
  await page.locator('input[name=password]').fill(srv.password);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(/#\/persons\?q=/);
  await settled(page);
  await page.locator('#search-results table').waitFor();
  noProblems(page);
  await page.context().close();
});
