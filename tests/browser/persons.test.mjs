// Person search, detail and masking by role; adding a person with the checks
// made as one types and the server's own check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, shot, noProblems, somePerson, unlabelledControls, open, settled } from './lib/harness.mjs';

let srv; let browser; let known;
before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  known = await somePerson(srv);
});
after(async () => { await browser?.close(); await srv?.stop(); });

test('staff search by name and by the last 4 digits, and see full ID numbers', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'panpeng');
  await page.locator('#nav-list a', { hasText: '人员查询' }).click();
  const box = page.getByLabel('姓名、身份证号、手机号或住址');
  await box.waitFor();
  assert.ok(await box.evaluate((el) => el === document.activeElement), 'the search box has the focus');
  await box.fill(known.name);
  await box.press('Enter');
  await settled(page);
  const results = page.locator('#search-results table');
  await results.waitFor();
  assert.match(await page.locator('#search-results h2').textContent(), new RegExp(`找到 \\d+ 人（“${known.name}”）`));
  const row = page.locator('#search-results tbody tr', { hasText: known.id_number });
  assert.equal(await row.count(), 1, 'the full ID number is listed');
  assert.equal(await page.locator('#search-results [data-masked]').count(), 0, 'nothing is masked for staff');
  await shot(page, 'person-search');

  // the last 4 digits of the ID number
  await page.getByLabel('姓名、身份证号、手机号或住址').fill(known.id_number.slice(-4));
  await page.getByLabel('姓名、身份证号、手机号或住址').press('Enter');
  await settled(page);
  await page.locator(`#search-results tbody tr:has-text("${known.id_number}")`).waitFor();

  // detail
  await page.locator(`#search-results tbody tr:has-text("${known.id_number}") a`).first().click();
  await page.locator('#person-facts').waitFor();
  assert.equal((await page.locator('#main h1').textContent()).trim(), `人员信息：${known.name}`);
  const facts = await page.locator('#person-facts').textContent();
  assert.ok(facts.includes(known.id_number), 'the detail shows the full ID number');
  assert.ok(facts.includes(known.phone), 'and the full phone');
  assert.ok(!facts.includes('已隐藏'));
  await shot(page, 'person-detail');

  // nothing found is said, with what to try
  await open(page, srv, `/persons?q=${encodeURIComponent('没有这个人')}`);
  await page.locator('#search-results .empty').waitFor();
  assert.match(await page.locator('#search-results').textContent(), /没有找到符合条件的人员/);
  noProblems(page);
  await page.context().close();
});

test('a registrar confirms identity with masked numbers and the masked marker', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'zhangmingqiang');
  await page.locator('#nav-list a', { hasText: '核验身份' }).click();
  const box = page.getByLabel('个人码或身份证号');
  await box.fill(known.id_number);
  await box.press('Enter');
  const card = page.locator('#lookup-result .card');
  await card.waitFor();
  const text = await card.textContent();
  assert.ok(text.includes(known.name));
  assert.ok(!text.includes(known.id_number), 'the full ID number is not shown');
  const masked = `${known.id_number.slice(0, 4)}**********${known.id_number.slice(-4)}`;
  assert.ok(text.includes(masked), `the ID number as the server masked it (${masked})`);
  assert.ok(text.includes(`${known.phone.slice(0, 3)}****${known.phone.slice(-4)}`), 'the phone masked');
  assert.ok((await page.locator('#lookup-result [data-masked]').count()) >= 1);
  assert.match(await page.locator('#lookup-result [data-masked]').first().textContent(), /已隐藏/);
  await shot(page, 'registrar-lookup');
  // a mistyped number is caught before asking the server
  await box.fill(`${known.id_number.slice(0, 17)}${known.id_number[17] === '1' ? '2' : '1'}`);
  await box.press('Enter');
  assert.match(await page.locator('#lookup-result [role=alert]').textContent(), /校验位/);
  // an unknown card code: what happened and what to do
  await box.fill('NOSUCHCODE1');
  await box.press('Enter');
  await page.locator('#lookup-result [role=alert]').waitFor();
  assert.match(await page.locator('#lookup-result').textContent(), /没有找到这个人。.*请核对个人码或身份证号/);
  noProblems(page);
  await page.context().close();
});

test('adding a person: the ID checksum and phone are checked as typed, the server checks again', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'panpeng');
  await open(page, srv, `/persons/new?area=HKG-YH-IT-W12-XR-B1-U1`);
  await page.locator('#person-form').waitFor();
  assert.deepEqual(await unlabelledControls(page), []);
  await page.getByLabel('姓名').fill('王测试');
  const id = page.getByLabel('证件号码');
  await id.pressSequentially('11010119900307003');
  assert.equal(await page.locator('#pf-id_number-msg').textContent(), '', 'no complaint while typing');
  await id.press('9'); // the check digit of 11010119900307003 is 8
  const idMsg = page.locator('#pf-id_number-msg');
  assert.match(await idMsg.textContent(), /校验位/);
  assert.equal(await id.getAttribute('aria-invalid'), 'true');
  await id.press('Backspace');
  await id.press('8');
  assert.match(await idMsg.textContent(), /身份证号校验通过：1990-03-07 出生，男/);
  assert.equal(await id.getAttribute('aria-invalid'), 'false');

  const phone = page.getByLabel('手机号');
  await phone.fill('1234567890');
  await phone.blur();
  assert.match(await page.locator('#pf-phone-msg').textContent(), /号码不对/);
  await phone.fill('13912345678');
  assert.match(await page.locator('#pf-phone-msg').textContent(), /号码格式正确/);

  // required: an empty name is refused before sending
  await page.getByLabel('姓名').fill('');
  await page.getByRole('button', { name: '保存' }).click();
  assert.match(await page.locator('#form-summary').textContent(), /有 1 项需要修改/);
  assert.match(await page.locator('#pf-name-msg').textContent(), /这一项必须填写/);
  assert.ok(await page.getByLabel('姓名').evaluate((el) => el === document.activeElement));
  await page.getByLabel('姓名').fill('王测试');
  await page.getByLabel('房号').fill('1808');
  await page.locator('label', { hasText: '高龄' }).click();
  await shot(page, 'person-add');
  await page.getByRole('button', { name: '保存' }).click();
  await page.locator('#person-facts').waitFor();
  const facts = await page.locator('#person-facts').textContent();
  assert.match(facts, /110101199003070038/);
  assert.match(facts, /高龄/);
  assert.match(facts, /1990-03-07/);

  // the same ID number again: the server refuses, said in words with what to do
  await open(page, srv, `/persons/new?area=HKG-YH-IT-W12-XR-B1-U1`);
  await page.getByLabel('姓名').fill('王重复');
  await page.getByLabel('证件号码').fill('110101199003070038');
  await page.getByRole('button', { name: '保存' }).click();
  const err = page.locator('#form-summary [role=alert]');
  await err.waitFor();
  assert.match(await err.textContent(), /这个身份证号已经登记过了。.*请用“人员查询”找到此人/);
  noProblems(page);
  await page.context().close();
});

test('the server’s field message is shown next to the field it names', async () => {
  const page = await newPage(browser);
  await login(page, srv, 'panpeng');
  await open(page, srv, `/persons/${known.id}/edit`);
  await page.locator('#person-form').waitFor();
  // the browser does not check everything (here its length limit is lifted, as
  // an old browser or a paste might): the server refuses and names the field
  await page.locator('#pf-room').evaluate((el) => el.removeAttribute('maxlength'));
  await page.getByLabel('房号').fill('1'.repeat(25));
  await page.getByRole('button', { name: '保存' }).click();
  await page.waitForFunction(() => document.getElementById('pf-room-msg').textContent.length > 0);
  assert.match(await page.locator('#pf-room-msg').textContent(), /内容太长，最多 20 个字/);
  assert.equal(await page.locator('#pf-room').getAttribute('aria-invalid'), 'true');
  assert.ok(await page.locator('#pf-room').evaluate((el) => el === document.activeElement), 'the field gets the focus');
  assert.match(await page.locator('#form-summary').textContent(), /服务器没有接受这项内容/);
  noProblems(page);
  await page.context().close();
});
