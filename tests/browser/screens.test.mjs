// The registry screens end to end: the area tree, households, party-member
// contact households, merchants; then a tour of every screen checking its
// heading, its labels and the console; and how the files are served.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, login, shot, noProblems, unlabelledControls, apiAs, WEB, open, settled } from './lib/harness.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

test('the area tree opens branches on demand and shows each area’s households', async () => {
  const page = await newPage(browser);
  const childLists = [];
  page.on('request', (r) => { if (/\/api\/v1\/areas\?parent=/.test(r.url())) childLists.push(decodeURIComponent(r.url())); });
  await login(page, srv, 'panpeng');
  await page.locator('#nav-list a', { hasText: '区域与住户' }).click();
  const tree = page.locator('.tree');
  await tree.locator('li[data-code="HKG-YH-IT-W12-XR"]').waitFor();
  assert.ok(childLists.every((u) => u.includes('parent=HKG-YH-IT-W12&')), 'only the open branch was fetched');
  const xr = tree.locator('li[data-code="HKG-YH-IT-W12-XR"]');
  const toggle = xr.locator('> .tree-row .tree-toggle');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await toggle.click();
  await xr.locator('li[data-code="HKG-YH-IT-W12-XR-B1"]').waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.ok(childLists.some((u) => u.includes('parent=HKG-YH-IT-W12-XR&')));
  await toggle.click();
  assert.ok(!(await xr.locator('li[data-code="HKG-YH-IT-W12-XR-B1"]').isVisible()), 'closes again');
  await toggle.click();

  await xr.locator('li[data-code="HKG-YH-IT-W12-XR-B1"] > .tree-row .tree-name').click();
  await page.waitForURL(/#\/areas\/HKG-YH-IT-W12-XR-B1$/);
  await settled(page);
  assert.match(await page.locator('#area-button').textContent(), /鑫荣公寓1号楼/);
  const detail = page.locator('.area-detail');
  await detail.locator('table').waitFor();
  assert.match(await detail.locator('h2').first().textContent(), /鑫荣公寓1号楼/);
  assert.match(await detail.locator('table').textContent(), /鑫荣公寓1号楼1单元/);
  await shot(page, 'areas');
  await detail.locator('tbody a').first().click();
  await page.waitForURL(/#\/households\/\d+$/);
  await settled(page);
  await page.locator('#hh-people').waitFor();
  assert.match(await page.locator('#main h1').textContent(), /住户：鑫荣公寓1号楼/);
  assert.ok(await page.locator('#main table').first().locator('tbody tr').count() > 0);
  await shot(page, 'household');
  noProblems(page);
  await page.context().close();
});

test('party members are assigned the households they look after', async () => {
  const api = await apiAs(srv, 'panpeng');
  const hh = (await api('GET', '/households?area=HKG-YH-IT-W12-GC-B1-U1&limit=2')).data.items;
  const member = (await api('GET', `/persons?household=${hh[1].id}`)).data.items[0];
  const page = await newPage(browser);
  await login(page, srv, 'panpeng');
  // make them a party member through the edit form
  await open(page, srv, `/persons/${member.id}/edit`);
  await page.locator('#person-form').waitFor();
  await page.locator('label', { hasText: /^党员$/ }).click();
  await page.getByRole('button', { name: '保存' }).click();
  await page.locator('#person-facts').waitFor();
  assert.match(await page.locator('#person-facts').textContent(), /党员/);

  await open(page, srv, `/households/${hh[0].id}`);
  assert.match(await page.locator('section[aria-labelledby=hh-contacts]').textContent(), /这一户还没有联系党员/);
  await page.getByLabel('党员姓名或身份证号').fill(member.id_number);
  await page.getByLabel('党员姓名或身份证号').press('Enter');
  await page.getByRole('button', { name: `设为联系党员 ${member.name}` }).click();
  const contacts = page.locator('section[aria-labelledby=hh-contacts] table').first();
  await contacts.waitFor();
  assert.match(await contacts.textContent(), new RegExp(member.name));
  await page.locator('#hh-contacts').scrollIntoViewIfNeeded();
  await shot(page, 'household-contacts');

  // someone who is not a party member is refused, in words
  const other = (await api('GET', `/persons?household=${hh[0].id}`)).data.items.find((p) => !p.party_member);
  await page.getByLabel('党员姓名或身份证号').fill(other.id_number);
  await page.getByLabel('党员姓名或身份证号').press('Enter');
  await page.getByRole('button', { name: `设为联系党员 ${other.name}` }).click();
  await page.locator('section[aria-labelledby=hh-contacts] [role=alert]').waitFor();
  assert.match(await page.locator('section[aria-labelledby=hh-contacts] [role=alert]').textContent(), /此人不是党员。.*请先在人员信息里勾选“党员”/);

  // the member's own page lists the household, and it can be removed there
  await open(page, srv, `/persons/${member.id}`);
  const mine = page.locator('section[aria-labelledby=pm-h]');
  await mine.locator('table').waitFor();
  assert.match(await mine.textContent(), new RegExp(hh[0].full_address));
  await mine.getByRole('button', { name: /移除/ }).click();
  await mine.locator('.empty').waitFor();
  assert.match(await mine.textContent(), /还没有分配联系户/);
  noProblems(page);
  await page.context().close();
});

test('merchants: list, search, add with the phone checked, detail', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'admin');
  await page.locator('#nav-list a', { hasText: '商户' }).click();
  await page.locator('#merchant-results table').waitFor();
  assert.equal(await page.locator('#merchant-results tbody tr').count(), 50, 'a page of 50');
  assert.ok(await page.getByRole('button', { name: '加载更多' }).isVisible());
  const first = (await page.locator('#merchant-results tbody tr td').first().textContent()).trim();
  await shot(page, 'merchants');
  await page.getByLabel('商户名称').fill(first.slice(0, 2));
  await page.getByLabel('商户名称').press('Enter');
  await page.waitForURL(/#\/merchants\?q=/);
  await settled(page);
  await page.locator('#merchant-results table').waitFor();
  for (const name of await page.locator('#merchant-results tbody tr td:first-child').allTextContents()) assert.ok(name.trim().startsWith(first.slice(0, 2)));

  await open(page, srv, `/merchants/new`);
  await page.getByLabel('商户名称').waitFor();
  assert.deepEqual(await unlabelledControls(page), []);
  await page.getByLabel('商户名称').fill('测试便民超市');
  await page.getByLabel('联系电话').fill('12345');
  await page.getByRole('button', { name: '保存' }).click();
  assert.match(await page.locator('#mf-contact_phone-msg').textContent(), /号码不对/);
  await page.getByLabel('联系电话').fill('0371-66881234');
  await page.getByLabel('营业执照号').fill('92410100MA9TEST001');
  await shot(page, 'merchant-add');
  await page.getByRole('button', { name: '保存' }).click();
  await page.waitForURL(/#\/merchants\/\d+$/);
  await settled(page);
  await settled(page);
  assert.match(await page.locator('#main').textContent(), /测试便民超市.*92410100MA9TEST001/s);
  assert.match(await page.locator('#main').textContent(), /0371-66881234/);

  // the same licence again is refused with what to do
  await open(page, srv, `/merchants/new`);
  await page.getByLabel('商户名称').fill('另一家');
  await page.getByLabel('营业执照号').fill('92410100MA9TEST001');
  await page.getByRole('button', { name: '保存' }).click();
  await page.locator('[role=alert], #mf-licence-msg.error').first().waitFor();
  assert.match(await page.locator('#main').textContent(), /营业执照号已经登记过了/);
  noProblems(page);
  await page.context().close();
});

test('every screen has its heading, labelled controls and a quiet console', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'panpeng');
  const api = await apiAs(srv, 'panpeng');
  const person = (await api('GET', '/persons?q=%E5%BC%A0%E4%B8%B9')).data.items[0];
  const imports = (await api('GET', '/imports')).data.items;
  const screens = ['/dashboard', '/areas', '/areas/HKG-YH-IT-W12-GC', `/households/${person.household}`, '/persons',
    `/persons?q=${encodeURIComponent('张丹')}`, `/persons/${person.id}`, `/persons/${person.id}/edit`, '/persons/new',
    '/lookup', '/import', `/import/${imports[0].id}`, '/merchants', '/merchants/new', '/requests', '/rounds', '/print', '/no-such-page'];
  for (const s of screens) {
    await open(page, srv, s);
    await page.waitForLoadState('networkidle');
    assert.equal(await page.locator('#main h1').count(), 1, `${s}: one heading`);
    assert.deepEqual(await unlabelledControls(page), [], `${s}: every control has a label`);
    assert.equal(await page.locator('#main .alert-error').count(), 0, `${s}: no error shown`);
    const title = await page.title();
    assert.ok(title.endsWith(' · 防线') && !/\./.test(title.split(' · ')[0]), `${s}: a translated title (${title})`);
  }
  assert.match(await page.locator('#main').textContent(), /找不到这个页面/);
  // keyboard: the skip link is the first stop of the page, shows when focused and leads to the heading
  await open(page, srv, '/dashboard');
  // the screen moves focus to its heading once drawn: wait for that, or it takes focus from the skip link
  await page.waitForLoadState('networkidle');
  await page.locator('#panel-population table').waitFor();
  assert.equal(await page.evaluate(() => document.querySelector('a, button, input, select').id), 'skip-link');
  await page.locator('#skip-link').focus();
  const box = await page.locator('#skip-link').boundingBox();
  assert.ok(box.y >= 0, 'visible when focused');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
  // the next Tab from the heading reaches the panel's own controls, in reading order
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '刷新');
  noProblems(page);
  await page.context().close();
});

test('static files: pre-compressed when the browser takes gzip, cached, and the page under its CSP', async (t) => {
  const html = await fetch(srv.base, { headers: { 'Accept-Encoding': 'identity' } });
  assert.equal(html.status, 200);
  assert.equal(html.headers.get('cache-control'), 'no-cache');
  assert.match(html.headers.get('content-security-policy'), /default-src 'self'/);
  const body = await html.text();
  assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(body), 'no inline script');
  assert.ok(!/\sstyle=|<style/.test(body), 'no inline style');
  const js = await fetch(`${srv.base}js/app.js`, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('cache-control'), 'no-cache'); // modules revalidate: no old and new mixed after an upgrade
  const etag = js.headers.get('etag');
  assert.ok(etag);
  const again = await fetch(`${srv.base}js/app.js`, { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  if (!existsSync(join(WEB, 'js/app.js.gz'))) { t.skip('no .gz twins: run scripts/web-build'); return; }
  assert.equal(js.headers.get('content-encoding'), 'gzip');
  const cat = await fetch(`${srv.base}i18n/zh-CN.json`, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(cat.headers.get('content-encoding'), 'gzip');
});
