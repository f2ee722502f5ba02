// A round's transport set up on the screen, not through the API: the form in the
// transport tab (hub, rules with their defaults, vehicles added and removed,
// each site's sealing times), checks in the page, the server's refusal shown at
// the field it names, then the plan and its timeline; read-only for staff; usable
// at 360 px. The channels screen: a signed webhook added there receives the
// round's sealing reminder (a local receiver), and the round's outbox says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { startServer, launchBrowser, newPage, login, shot, noProblems, apiAs, open, noHorizontalScroll, unlabelledControls } from './lib/harness.mjs';
import { hm, storedPlan } from './lib/transport.mjs';

let srv; let browser; let hook; const received = [];

before(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ url: req.url, headers: req.headers, body });
      res.writeHead(req.url.startsWith('/broken') ? 500 : 200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  srv = await startServer({ args: ['--notify-interval-ms', '200'] });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await srv?.stop(); hook?.close(); });

/** A round of the officer's area with two placed sites of its own (names unique per test). */
async function roundWithSites(officer, tag, start) {
  const round = await officer('POST', '/rounds', { name: `设置${tag}轮`, areas: ['HKG-YH'], start, deadline: start + 86400 });
  assert.equal(round.status, 201, JSON.stringify(round.data));
  const site = async (name, lat, lng) => {
    const r = await officer('POST', '/sites', { name, area: 'HKG-YH-IT-W12', lat, lng, tables: 2, opens: 0, closes: 1440 });
    assert.equal(r.status, 201, JSON.stringify(r.data));
    return r.data;
  };
  return { round: round.data, sites: [await site(`${tag}甲核酸点`, 34.52, 113.84), await site(`${tag}乙核酸点`, 34.535, 113.862)] };
}

/** Only these sites ticked in the pickups list (the area has others). */
async function onlySites(page, ids) {
  for (const row of await page.locator('.ts-pickup').all()) {
    const box = row.locator('legend input[type=checkbox]');
    if (ids.includes(Number(await row.getAttribute('data-site')))) await box.check(); else await box.uncheck();
  }
}

test('the setup form: defaults shown, checks in the page, the server refusal at its field, then the plan and its timeline', async () => {
  const officer = await apiAs(srv, 'cuizhengbo');
  const { round, sites } = await roundWithSites(officer, '表单', Math.floor(Date.now() / 1000) - 3600);
  const unplaced = await officer('POST', '/sites', { name: '表单无坐标核酸点', area: 'HKG-YH-IT-W12', tables: 1, opens: 0, closes: 1440 });
  assert.equal(unplaced.status, 201, JSON.stringify(unplaced.data));
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, `/rounds/${round.id}/transport`);
  assert.match(await page.locator('#tp-none').textContent(), /请在下面填写转运设置/);
  const form = page.locator('#ts-form');
  // the rules with their defaults, in words
  assert.equal(await page.locator('#ts-deadline_min').inputValue(), '90');
  assert.equal(await page.locator('#ts-lead_min').inputValue(), '15');
  assert.match(await form.textContent(), /默认 90 分钟.*默认 3 分钟.*默认 15 分钟.*默认 10 分钟/);
  assert.equal(await page.locator('#ts-speed').inputValue(), '30');
  assert.doesNotMatch(await form.textContent(), /null|undefined/);

  // the hub by coordinates; two vehicles (a third added and removed again)
  await form.getByLabel('输入经纬度').check();
  await page.locator('#ts-hub-lat').fill('34.505');
  await page.locator('#ts-hub-lng').fill('113.82');
  await page.locator('#ts-deadline_min').fill('60');
  await page.locator('#ts-add-vehicle').click();
  await page.locator('#ts-add-vehicle').click();
  assert.equal(await page.locator('.ts-vehicle').count(), 3);
  await page.getByRole('button', { name: '删除第 2 辆车' }).click();
  assert.equal(await page.locator('.ts-vehicle').count(), 2);
  assert.match(await page.locator('.ts-vehicle').nth(1).locator('legend').textContent(), /第 2 辆车/);
  const veh = (i, label) => page.locator('.ts-vehicle').nth(i).getByLabel(label, { exact: true });
  await veh(0, '车牌或编号').fill('豫A11111');
  await veh(0, '上班时间').fill('07:00');
  await veh(0, '下班时间').fill('19:00');
  await veh(0, '最多装几箱').fill('8');
  await veh(0, '司机用户名（可不填）').fill('nobody');
  await veh(1, '车牌或编号').fill('豫A22222');
  await veh(1, '上班时间').fill('12:00');
  await veh(1, '下班时间').fill('11:00'); // ends before it starts
  const noCoords = page.locator(`.ts-pickup[data-site="${unplaced.data.id}"] legend input`);
  assert.equal(await noCoords.isChecked(), false, 'a site without coordinates is not proposed');
  await onlySites(page, [...sites.map((s) => s.id), unplaced.data.id]);
  const pick = (id, label) => page.locator(`.ts-pickup[data-site="${id}"]`).getByLabel(label, { exact: true });
  await pick(sites[0].id, '第一次封箱').fill('08:00');
  await pick(sites[0].id, '每隔几分钟封一次').fill('60');
  await pick(sites[0].id, '最后一次封箱').fill('11:00');
  await pick(sites[1].id, '第一次封箱').fill('09:00');
  await pick(sites[1].id, '每隔几分钟封一次').fill('0');
  await pick(sites[1].id, '最后一次封箱').fill('12:00');

  // the page's own checks, in the server's words, before anything is sent
  let puts = 0;
  page.on('request', (r) => { if (r.method() === 'PUT') puts++; });
  await page.locator('#ts-save').click();
  const msgOf = async (loc) => page.locator(`#${await loc.getAttribute('id')}-msg`).textContent();
  assert.equal(await veh(1, '下班时间').getAttribute('aria-invalid'), 'true');
  assert.match(await msgOf(veh(1, '下班时间')), /下班时间要晚于上班时间/);
  assert.match(await msgOf(pick(sites[1].id, '每隔几分钟封一次')), /请填写 1 到 1,?440 之间的整数/);
  assert.match(await msgOf(noCoords), /这个采样点没有经纬度/);
  assert.match(await page.locator('#ts-status').textContent(), /有 3 处需要修改/);
  assert.equal(puts, 0);

  // what only the server knows: the driver; its message lands at that vehicle's driver field
  await veh(1, '下班时间').fill('18:00');
  await pick(sites[1].id, '每隔几分钟封一次').fill('60');
  await noCoords.uncheck();
  await page.locator('#ts-save').click();
  await page.locator('[aria-invalid="true"]').first().waitFor();
  assert.equal(puts, 1);
  await shot(page, 'round-transport-setup', { fullPage: true });
  assert.equal(await veh(0, '司机用户名（可不填）').getAttribute('aria-invalid'), 'true');
  assert.match(await msgOf(veh(0, '司机用户名（可不填）')), /“nobody”不是司机的用户名/);
  assert.equal(await page.evaluate(() => document.activeElement.value), 'nobody');
  assert.equal(await veh(1, '下班时间').getAttribute('aria-invalid'), 'false');

  // a real driver: saved, and the plan is made from it
  await veh(0, '司机用户名（可不填）').fill('lijianhua');
  await page.locator('#ts-save').click();
  await page.locator('#tp-status', { hasText: '转运设置已保存：2 辆车，2 个采样点' }).waitFor();
  const setup = await officer('GET', `/rounds/${round.id}/transport`);
  assert.equal(setup.status, 200);
  const s = setup.data;
  assert.equal(s.deadline_min, 60);
  assert.equal(s.service_min, 3);
  assert.equal(s.hub_lat, 34.505);
  assert.deepEqual(s.vehicles.map((v) => [v.id, hm(v.shift_start), hm(v.shift_end), v.capacity, v.driver]),
    [['豫A11111', '07:00', '19:00', 8, 'lijianhua'], ['豫A22222', '12:00', '18:00', 10, '']]);
  assert.equal(s.vehicles[0].shift_start, s.day0 + 7 * 3600);
  const p0 = s.pickups.find((p) => p.site === sites[0].id);
  assert.deepEqual([p0.first_seal - s.day0, p0.every_min, p0.last_seal - s.day0, p0.boxes_per_seal], [8 * 3600, 60, 11 * 3600, 1]);
  assert.match(await page.locator('#tp-setup .tp-brief').textContent(), /检测中心 LAB · 封箱后 60 分钟内送达 · 2 辆车 · 2 个采样点/);

  await page.locator('button[data-act=plan]').click();
  await page.locator('.tl-bar').first().waitFor();
  const plan = await storedPlan(officer, round.id);
  assert.equal(await page.locator('.tl-bar').count(), plan.runs.length);
  assert.equal(plan.plan.summary.boxes, 4 + 4);

  // the form comes back filled in with what was saved
  await page.locator('#ts-edit > summary').click();
  assert.equal(await veh(0, '司机用户名（可不填）').inputValue(), 'lijianhua');
  assert.equal(await pick(sites[1].id, '第一次封箱').inputValue(), '09:00');
  assert.equal(await page.locator('#ts-deadline_min').inputValue(), '60');

  // in English
  await page.getByLabel('语言').selectOption('en');
  await page.locator('#ts-edit > summary', { hasText: 'Change the setup' }).click(); // the screen is drawn again
  await page.locator('#ts-form h2', { hasText: 'Change the transport setup' }).waitFor();
  assert.equal(await page.locator('.ts-vehicle').nth(0).getByLabel('Driver\'s username (optional)').inputValue(), 'lijianhua');
  assert.match(await page.locator('#ts-form').textContent(), /Default 90 minutes/);
  noProblems(page);
  await page.context().close();

  // staff see the setup, not the form
  const staff = await newPage(browser);
  await login(staff, srv, 'panpeng');
  await open(staff, srv, `/rounds/${round.id}/transport`);
  await staff.locator('.tl-bar').first().waitFor();
  assert.equal(await staff.locator('#ts-form, #ts-edit, #tp-channels-link').count(), 0);
  await open(staff, srv, '/transport');
  assert.equal(await staff.locator('a[href="#/channels"]').count(), 0);
  await open(staff, srv, '/channels');
  assert.equal(await staff.locator('#forbidden').count(), 1);
  assert.equal(await staff.locator('#ch-new').count(), 0);
  noProblems(staff);
  await staff.context().close();
});

test('the setup form at 360 px: every control labelled, nothing scrolls sideways', async () => {
  const officer = await apiAs(srv, 'cuizhengbo');
  const { round, sites } = await roundWithSites(officer, '手机', Math.floor(Date.now() / 1000));
  const page = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, `/rounds/${round.id}/transport`);
  await page.locator('#ts-form').waitFor();
  await page.locator('#ts-add-vehicle').click();
  await shot(page, 'round-transport-setup-360', { fullPage: true });
  await noHorizontalScroll(page);
  assert.deepEqual(await unlabelledControls(page), []);
  const save = await page.locator('#ts-save').boundingBox();
  assert.ok(save.width >= 44 && save.height >= 40, JSON.stringify(save));
  // the hub at a site, everything else as the form proposes: saved as shown
  await page.getByRole('button', { name: '删除第 2 辆车' }).click();
  await page.locator('#ts-form').getByLabel('在某个采样点').check();
  await page.locator('#ts-hub-site').selectOption({ label: sites[1].name });
  await page.locator('.ts-vehicle').nth(0).getByLabel('车牌或编号').fill('V1');
  await page.locator('#ts-save').click();
  await page.locator('#tp-status', { hasText: '转运设置已保存' }).waitFor();
  const saved = (await officer('GET', `/rounds/${round.id}/transport`)).data;
  assert.deepEqual([saved.hub, saved.hub_lat, saved.hub_lng, saved.speed_kmh, saved.deadline_min, saved.service_min, saved.lead_min, saved.replan_min],
    ['LAB', sites[1].lat, sites[1].lng, 30, 90, 3, 15, 10]);
  assert.deepEqual(saved.vehicles.map((v) => [hm(v.shift_start), hm(v.shift_end), v.capacity]), [['07:00', '19:00', 10]]);
  assert.ok(saved.pickups.some((p) => p.site === sites[0].id && p.every_min === 45 && p.boxes_per_seal === 1));
  await open(page, srv, '/transport'); // the area's transport screen leads there too
  await page.locator('.page-head a[href="#/channels"]').click();
  await page.locator('#ch-new').waitFor();
  await open(page, srv, `/channels?round=${round.id}`);
  await shot(page, 'channels-360', { fullPage: true });
  await noHorizontalScroll(page);
  assert.deepEqual(await unlabelledControls(page), []);
  noProblems(page);
  await page.context().close();
});

test('an admin picks the driver from the area\'s drivers; a night shift set through the API keeps its next-day end', async () => {
  const officer = await apiAs(srv, 'cuizhengbo');
  const { round, sites } = await roundWithSites(officer, '管理员', Math.floor(Date.now() / 1000));
  const put = (vehicles) => officer('PUT', `/rounds/${round.id}/transport`, {
    hub: 'LAB', hub_lat: 34.505, hub_lng: 113.82, vehicles, pickups: [{ site: sites[0].id, first_seal: round.start, every_min: 60, last_seal: round.start + 3600 }] });
  assert.equal((await put([{ id: 'V0', shift_start: round.start, shift_end: round.start + 3600, capacity: 5 }])).status, 200);
  const { day0 } = (await officer('GET', `/rounds/${round.id}/transport`)).data;
  const night = { id: '夜班车', shift_start: day0 + 20 * 3600, shift_end: day0 + 26 * 3600, capacity: 5 };
  assert.equal((await put([night])).status, 200);
  const page = await newPage(browser);
  await login(page, srv, 'admin');
  await open(page, srv, `/rounds/${round.id}/transport`);
  await page.locator('#ts-edit > summary').click();
  const end = page.locator('.ts-vehicle').nth(0).getByLabel('下班时间', { exact: true });
  assert.equal(await end.inputValue(), '02:00');
  assert.match(await end.locator('xpath=..').textContent(), /第一天之后第 1 天/);
  const driver = page.locator('.ts-vehicle').nth(0).getByLabel('司机用户名（可不填）', { exact: true });
  assert.equal(await driver.getAttribute('list'), 'ts-drivers');
  assert.deepEqual(await page.locator('#ts-drivers option').evaluateAll((os) => os.map((o) => o.value)), ['lijianhua']);
  await driver.fill('lijianhua');
  await page.locator('#ts-save').click();
  await page.locator('#tp-status', { hasText: '转运设置已保存' }).waitFor();
  const v = (await officer('GET', `/rounds/${round.id}/transport`)).data.vehicles[0];
  assert.deepEqual([v.shift_start, v.shift_end, v.driver], [night.shift_start, night.shift_end, 'lijianhua']);
  noProblems(page);
  await page.context().close();
});

test('a webhook channel added on the channels screen receives the round\'s sealing reminder, signed; the outbox shows it sent', async () => {
  const now = Math.floor(Date.now() / 60000) * 60;
  const officer = await apiAs(srv, 'cuizhengbo');
  const { round, sites } = await roundWithSites(officer, '提醒', now);
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, `/rounds/${round.id}/transport`);
  await page.locator('#tp-channels-link').click();
  await page.locator('#ch-new').waitFor();
  assert.match(page.url(), /#\/channels\?round=/);

  // a webhook without its secret is refused in the page, in the server's words
  const form = page.locator('#ch-new');
  await form.getByLabel('名称').fill('提醒测试回调');
  await form.getByLabel('类型').selectOption('webhook');
  await form.getByLabel('发给').selectOption('site');
  assert.equal(await form.getByLabel('轮次').inputValue(), String(round.id));
  const url = `http://127.0.0.1:${hook.address().port}/hook?key=abc`;
  await form.getByLabel('网络地址').fill(url);
  await page.locator('#ch-create').click();
  assert.match(await form.locator('[data-field=secret] .field-msg').textContent(), /网络回调要用密钥给每条消息签名/);
  const secret = 'tsetup-secret-7731';
  await form.getByLabel('签名密钥').fill(secret);
  await page.locator('#ch-create').click();
  const row = page.locator('tbody tr', { hasText: '提醒测试回调' });
  await row.waitFor();
  assert.match(await row.textContent(), /网络回调（签名）.*采样点.*轮次：设置提醒轮.*已设置.*启用中/);
  assert.ok(!(await page.content()).includes(secret), 'the secret is never shown');
  const chans = await officer('GET', '/channels');
  const ch = chans.data.items.find((c) => c.name === '提醒测试回调');
  assert.equal(ch.has_secret, true);
  assert.equal(ch.round, round.id);
  assert.equal(ch.secret, undefined);

  // a second one whose receiver answers 500
  const broken = await officer('POST', '/channels', { name: '坏掉的回调', kind: 'webhook', audience: 'site', round: round.id, url: `http://127.0.0.1:${hook.address().port}/broken`, secret: 'x' });
  assert.equal(broken.status, 201, JSON.stringify(broken.data));

  // the setup (lead 240 minutes: the first pickups are within it) and the plan
  const setup = await officer('PUT', `/rounds/${round.id}/transport`, {
    hub: 'LAB', hub_lat: 34.505, hub_lng: 113.82, lead_min: 240,
    vehicles: [{ id: '豫A33333', shift_start: now, shift_end: now + 6 * 3600, capacity: 10 }],
    pickups: sites.map((s) => ({ site: s.id, first_seal: now + 600, every_min: 60, last_seal: now + 3600 })),
  });
  assert.equal(setup.status, 200, JSON.stringify(setup.data));
  await open(page, srv, `/rounds/${round.id}/transport`);
  assert.match(await page.locator('#ob-none').textContent(), /还没有发出任何消息/);
  await page.locator('button[data-act=plan]').click();
  await page.locator('.tl-bar').first().waitFor();

  // the receiver gets the reminder, signed with the secret
  const deadline = Date.now() + 20000;
  while (!received.some((r) => r.url.startsWith('/hook')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const got = received.find((r) => r.url.startsWith('/hook'));
  assert.ok(got, 'the webhook got nothing');
  const ts = got.headers['x-fangxian-timestamp'];
  assert.equal(got.headers['x-fangxian-signature'], `sha256=${createHmac('sha256', secret).update(`${ts}.${got.body}`).digest('hex')}`);
  const msg = JSON.parse(got.body);
  assert.equal(msg.kind, 'site_reminder');
  assert.equal(msg.round, round.id);
  assert.match(msg.text, /核酸点：请封箱，\d\d:\d\d 取箱（车辆 豫A33333）/);

  // the outbox view, once both outcomes are recorded: the same message, sent, and the broken one's error
  const recorded = (items) => items.some((m) => m.channel === ch.id && m.status === 'sent') && items.some((m) => m.channel === broken.data.id && m.attempts > 0);
  while (!recorded((await officer('GET', `/rounds/${round.id}/outbox`)).data.items) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await page.locator('#ob-refresh').click();
  const sent = page.locator('#tp-outbox tbody tr', { hasText: msg.text }).filter({ hasText: '提醒测试回调' });
  await sent.waitFor();
  assert.equal(await sent.locator('.badge').getAttribute('data-state'), 'sent');
  assert.match(await sent.textContent(), /封箱提醒.*提醒测试回调/);
  // the one to the broken receiver waits for its next try, with the error
  const retry = page.locator('#tp-outbox tbody tr', { hasText: msg.text }).filter({ hasText: '坏掉的回调' });
  assert.equal(await retry.locator('.badge').getAttribute('data-state'), 'pending');
  assert.match(await retry.textContent(), /待发送\s*[1-9].*500/);
  await shot(page, 'round-transport-outbox', { fullPage: true });

  // the broken one: failing since its first try, with the receiver's answer
  await open(page, srv, '/channels');
  const bad = (await officer('GET', `/channels/${broken.data.id}`)).data;
  assert.ok(bad.failing_since, JSON.stringify(bad));
  const badRow = page.locator('tbody tr', { hasText: '坏掉的回调' });
  assert.match(await badRow.locator('.ch-failing').textContent(), new RegExp(`发送失败.*自 .*${hm(bad.failing_since)} 起`));
  assert.equal(await badRow.locator('.ch-error').textContent(), bad.last_error);
  assert.match(await page.locator('tbody tr', { hasText: '提醒测试回调' }).textContent(), /启用中/);

  // switched off, then renamed: the list says so; the secret still only "set"
  await shot(page, 'channels', { fullPage: true });
  await page.locator('tbody tr', { hasText: '提醒测试回调' }).locator('.ch-flip').click();
  await page.locator('tbody tr', { hasText: '提醒测试回调' }).locator('[data-state=off]').waitFor();
  assert.equal((await officer('GET', `/channels/${ch.id}`)).data.disabled, true);
  const r2 = page.locator('tbody tr', { hasText: '提醒测试回调' });
  await r2.locator('.ch-edit-box > summary').click();
  await r2.getByLabel('名称').fill('提醒回调（已停）');
  await r2.getByRole('button', { name: '保存' }).click();
  await page.locator('tbody tr', { hasText: '提醒回调（已停）' }).waitFor();
  const after = (await officer('GET', `/channels/${ch.id}`)).data;
  assert.equal(after.name, '提醒回调（已停）');
  assert.equal(after.has_secret, true);
  noProblems(page);
  await page.context().close();
});
