// The transport screens of a round, on rounds set up and planned through the API
// as an officer (lib/transport.mjs): the timeline per vehicle (making the plan with
// progress, runs as bars told apart by more than colour, stops and times on hover,
// focus and tap, late boxes marked, errors in words, 360 px and desktop), the boxes
// at risk, the sites on a map (Leaflet with tiles from a local server the test runs;
// tiles blocked, or none configured: the schematic), and the dashboard's panel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startServer, launchBrowser, newPage, login, shot, noProblems, apiAs, open, settled, noHorizontalScroll } from './lib/harness.mjs';
import { transportRound, storedPlan, hm } from './lib/transport.mjs';
import { now, peopleOf, sampleTube } from './lib/round.mjs';

const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGPo6AAAAgEBAJ7HXrIAAAAASUVORK5CYII=', 'base64');
let srv; let browser; let tiles; let tileHits = 0;

before(async () => {
  tiles = createServer((req, res) => { tileHits++; res.writeHead(200, { 'Content-Type': 'image/png' }); res.end(TILE); });
  await new Promise((r) => tiles.listen(0, '127.0.0.1', r));
  srv = await startServer({ args: ['--map-tiles', `http://127.0.0.1:${tiles.address().port}/{z}/{x}/{y}.png`] });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await srv?.stop(); tiles?.close(); });

const boxesOfRun = (plan, run) => {
  const ids = new Set(run.stops.flatMap((s) => s.pickup || []));
  return plan.plan.boxes.filter((b) => ids.has(b.id));
};

test('the transport tab: the setup, making the plan with progress, a timeline per vehicle with stops and times', async () => {
  const { round, officer } = await transportRound(srv, { name: '转运时间线轮', deadline: 8, spare: true, plan: false });
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, `/rounds/${round.id}/transport`);
  assert.equal(await page.locator('.tabs a[data-tab=transport]').getAttribute('aria-current'), 'page');
  assert.match(await page.locator('#tp-setup .tp-brief').textContent(), /检测中心 LAB · 封箱后 8 分钟内送达 · 2 辆车 · 2 个采样点/);
  assert.match(await page.locator('#tp-no-plan').textContent(), /还没有转运计划/);

  // making the plan: progress in words while the server works (its answer held back a moment)
  const hold = async (r) => { if (r.request().method() === 'POST') await new Promise((x) => setTimeout(x, 700)); await r.continue(); };
  await page.route(`**/api/v1/rounds/${round.id}/transport/plan`, hold);
  await page.locator('button[data-act=plan]').click();
  await page.locator('#tp-status progress').waitFor();
  assert.match(await page.locator('#tp-status').textContent(), /正在生成计划/);
  assert.ok(await page.locator('button[data-act=plan]').isDisabled());
  await page.locator('.tl-bar').first().waitFor();
  await page.unroute(`**/api/v1/rounds/${round.id}/transport/plan`, hold);
  const plan = await storedPlan(officer, round.id);
  const sum = plan.plan.summary;
  assert.ok(sum.late_boxes > 0, 'an 8-minute deadline makes boxes late');
  assert.match(await page.locator('#tp-status').textContent(), new RegExp(`已生成第 ${plan.version} 版计划：共 ${sum.boxes} 箱，迟到 ${sum.late_boxes} 箱`));

  // a row per vehicle; a bar per run, in the plan's state, with its late boxes flagged
  assert.equal(await page.locator('.tl-row[data-vehicle]').count(), 2);
  for (const v of ['豫A12345', '豫A67890']) {
    const runs = plan.runs.filter((r) => r.vehicle === v);
    const row = page.locator(`.tl-row[data-vehicle="${v}"]`);
    assert.equal(await row.locator('.tl-bar').count(), runs.length, v);
    if (!runs.length) assert.match(await row.textContent(), /没有任务/);
    for (const [i, run] of runs.entries()) {
      const bar = row.locator('.tl-bar').nth(i);
      assert.equal(await bar.getAttribute('data-state'), run.state);
      const late = boxesOfRun(plan, run).filter((b) => b.late_min > 0).length;
      assert.equal(await bar.getAttribute('data-late'), String(late));
      assert.equal(await bar.locator('.tl-flag').count(), late ? 1 : 0);
      const label = await bar.textContent(); // the words a screen reader reads
      assert.match(label, new RegExp(`车辆 ${v} 第 ${i + 1} 趟，${hm(run.depart_at)} 出发`));
      assert.match(label, /待出发/);
      if (late) assert.match(label, new RegExp(`${late} 箱将迟到`));
    }
  }

  // hover: the run's stops and times, and its late boxes
  const first = plan.runs.filter((r) => r.vehicle === plan.runs[0].vehicle)[0];
  const bar1 = page.locator('.tl-bar').first();
  await bar1.hover();
  const detail = page.locator('#tp-detail');
  const end = first.stops[first.stops.length - 1];
  assert.match(await detail.locator('h3').textContent(), new RegExp(`车辆 ${first.vehicle} · 第 1 趟 · ${hm(first.depart_at)}–${hm(end.arrive_at)}`));
  const items = detail.locator('.tp-stops li');
  assert.equal(await items.count(), first.stops.length + 1);
  assert.match(await items.nth(0).textContent(), new RegExp(`${hm(first.depart_at)} 出发 · 检测中心（LAB）`));
  for (const [i, s] of first.stops.entries()) {
    const text = await items.nth(i + 1).textContent();
    assert.ok(text.startsWith(`${hm(s.arrive_at)}–${hm(s.depart_at)}`), text);
    assert.match(text, s.at === 'LAB' ? /检测中心（LAB）/ : /核酸点/);
  }
  const lateHere = boxesOfRun(plan, first).filter((b) => b.late_min > 0);
  assert.equal(await detail.locator('.tp-late li').count(), lateHere.length);
  assert.match(await detail.locator('.tp-late').textContent(), new RegExp(`迟 ${lateHere[0].late_min} 分钟`));

  // the keyboard: Tab goes from bar to bar, and the detail follows
  if (plan.runs.length > 1) {
    await bar1.focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('tl-bar')), true);
    const focused = await page.evaluate(() => ({ v: document.activeElement.dataset.vehicle, n: document.activeElement.dataset.run }));
    assert.match(await detail.locator('h3').textContent(), new RegExp(`车辆 ${focused.v} · 第 ${focused.n} 趟`));
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-pressed')), 'true');
  }
  await shot(page, 'round-transport');

  // re-planning from what happened: a new version
  await page.locator('button[data-act=replan]').click();
  await page.locator('#tp-status', { hasText: `已生成第 ${plan.version + 1} 版计划` }).waitFor();

  // a plan that cannot be made is said in words, and the buttons work again
  await page.route(`**/api/v1/rounds/${round.id}/transport/plan`, (r) => (r.request().method() === 'POST'
    ? r.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify({ error: { code: 'cannot_plan', message: 'vehicles: every shift ends before the first seal' } }) })
    : r.continue()));
  await page.locator('button[data-act=plan]').click();
  const alert = page.locator('#tp-error [role=alert]');
  await alert.waitFor();
  assert.equal(await alert.getAttribute('data-code'), 'cannot_plan');
  assert.match(await alert.textContent(), /无法生成转运计划。.*原因见下面的详细信息/);
  assert.ok(!(await page.locator('button[data-act=plan]').isDisabled()));

  // in English, in place
  await page.getByLabel('语言').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal((await page.locator('#tl-h').textContent()).trim(), 'Timeline by vehicle');
  assert.match(await page.locator('.tl-bar').first().textContent(), /Vehicle .* run 1, leaves/);
  noProblems(page);
  await page.context().close();
});

test('done, under way and planned runs differ in pattern and words, not only colour; usable at 360 px', async () => {
  const { round, officer } = await transportRound(srv, { name: '转运状态轮', spare: true });
  const plan = await storedPlan(officer, round.id);
  const page = await newPage(browser, { width: 360, height: 740 });
  // a plan later in the day: its first run done, the next under way
  await page.route(`**/api/v1/rounds/${round.id}/transport/plan`, async (r) => {
    const res = await r.fetch();
    const j = await res.json();
    j.plan.runs.forEach((run, i) => { run.state = i === 0 ? 'done' : i === 1 ? 'current' : 'planned'; });
    await r.fulfill({ response: res, json: j });
  });
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, `/rounds/${round.id}/transport`);
  await page.locator('.tl-bar').first().waitFor();
  const byState = async (s) => page.locator(`.tl-bar.tl-${s}`).count();
  assert.equal(await byState('done'), 1);
  assert.equal(await byState('current'), plan.runs.length > 1 ? 1 : 0);
  const look = (sel) => page.locator(sel).first().evaluate((el) => { const c = getComputedStyle(el); return `${c.borderStyle}|${c.borderTopWidth}|${c.backgroundImage}`; });
  const done = await look('.tl-bar.tl-done');
  assert.match(done, /gradient/, 'done runs are hatched');
  if (plan.runs.length > 1) {
    assert.notEqual(await look('.tl-bar.tl-current'), done);
    assert.match(await page.locator('.tl-bar.tl-current').textContent(), /▶.*进行中/);
  }
  assert.match(await page.locator('.tl-bar.tl-done').textContent(), /已完成/);
  assert.equal(await page.locator('.tl-legend li').count(), 5);

  // a phone: the timeline scrolls inside its box, the page does not
  await noHorizontalScroll(page);
  const box = await page.locator('.tl-scroll').evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth }));
  assert.ok(box.sw > box.cw, `the timeline scrolls sideways (${box.sw} in ${box.cw})`);
  const last = page.locator('.tl-bar').last();
  await last.scrollIntoViewIfNeeded();
  await last.click(); // a tap
  assert.equal(await last.getAttribute('aria-pressed'), 'true');
  await page.locator('#tp-detail .tp-stops').waitFor();
  await noHorizontalScroll(page);
  await shot(page, 'phone-round-transport', { fullPage: true });
  noProblems(page);
  await page.context().close();
});

test('staff read the plan but make none, and see a plan made elsewhere when it lands; a round without transport says so', async () => {
  const { round, officer } = await transportRound(srv, { name: '转运只读轮' });
  const bare = await officer('POST', '/rounds', { name: '无转运轮', areas: ['HKG-YH'], start: now() - 3600, deadline: now() + 86400 });
  const page = await newPage(browser);
  await page.clock.install();
  await login(page, srv, 'panpeng');
  await open(page, srv, `/rounds/${round.id}/transport`);
  await page.locator('.tl-bar').first().waitFor();
  assert.equal(await page.locator('button[data-act]').count(), 0);
  assert.match(await page.locator('#tp-plan-line').textContent(), /第 1 版/);
  // an officer re-plans; within a minute the screen shows it
  const again = await officer('POST', `/rounds/${round.id}/transport/replan`);
  assert.equal(again.status, 201, JSON.stringify(again.data));
  const made = (await storedPlan(officer, round.id)).made_at;
  await page.clock.fastForward(61000);
  await page.locator('#tp-status', { hasText: `计划已于 ${hm(made)} 更新为第 ${again.data.version} 版` }).waitFor();
  assert.match(await page.locator('#tp-plan-line').textContent(), new RegExp(`第 ${again.data.version} 版 · 按实际情况重排`));
  await open(page, srv, `/rounds/${bare.data.id}/transport`);
  assert.match(await page.locator('#tp-none').textContent(), /本轮还没有转运设置。/);
  noProblems(page);
  await page.context().close();
});

test('boxes at risk: late by the plan, and sealed boxes near the lab limit, in words', async () => {
  const { round, officer, sites } = await transportRound(srv, { name: '转运风险轮', deadline: 8 });
  const api = await officer('GET', `/rounds/${round.id}/transport/at-risk`);
  assert.equal(api.status, 200);
  const items = api.data.items;
  assert.ok(items.length >= 2 && items.every((b) => b.status === 'late'), JSON.stringify(api.data));

  const page = await newPage(browser);
  await login(page, srv, 'panpeng'); // staff read it
  await open(page, srv, `/rounds/${round.id}/risk`);
  const rows = page.locator('#risk-list tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), items.length);
  assert.match(await page.locator('#risk-list .risk-count').textContent(), new RegExp(`共 ${items.length} 箱`));
  for (const [i, b] of items.entries()) { // soonest deadline first, as the API orders them
    const text = await rows.nth(i).textContent();
    assert.match(text, new RegExp(`计划中的箱（${hm(b.sealed_at)} 封箱）`));
    assert.match(text, new RegExp(b.site_name));
    assert.match(text, /按计划会迟到/);
    assert.match(text, new RegExp(`迟到 ${b.late_min} 分钟`));
    assert.match(text, new RegExp(`${hm(b.deadline_at)}.*${hm(b.expected_at)}`));
    assert.match(text, /豫A12345/);
  }

  // a round without a transport plan: a box sealed 75 minutes ago, not at the lab, is near the
  // lab limit (90, warned from 70) and shows too (with no plan, there is no re-planning)
  const t = now();
  const bare = await officer('POST', '/rounds', { name: '无计划风险轮', areas: ['HKG-YH'], start: t - 4 * 3600, deadline: t + 86400 });
  assert.equal(bare.status, 201);
  const people = await peopleOf(officer, 'HKG-YH-IT-W12-GC-B1-U1', 2);
  await sampleTube(officer, { round: bare.data.id, site: sites[0].id, tube: 'TRT0001', people, at: t - 100 * 60, box: 'TRBOX01', boxAt: t - 75 * 60 });
  await open(page, srv, `/rounds/${bare.data.id}/risk`);
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  const row = await rows.nth(0).textContent();
  assert.match(row, /TRBOX01/);
  assert.match(row, /港城公寓核酸点/);
  assert.match(row, /临近时限/);
  assert.match(row, /还剩 1[3-5] 分钟/);
  assert.match(row, new RegExp(`${hm(t - 75 * 60)}.*${hm(t + 15 * 60)}`));
  assert.match(row, /不在计划中/);
  assert.match(row, /尚未交给车辆/);
  await open(page, srv, `/rounds/${round.id}/risk`);
  await rows.first().waitFor();
  await shot(page, 'round-risk');
  // a phone: the table stacks
  await page.setViewportSize({ width: 360, height: 740 });
  await noHorizontalScroll(page);

  // a round with every box on time says so
  const calm = await transportRound(srv, { name: '转运准时轮' });
  await open(page, srv, `/rounds/${calm.round.id}/risk`);
  assert.match(await page.locator('#risk-list .empty').textContent(), /目前没有可能超时的样本箱。/);
  // a failing server in words
  await page.route(`**/api/v1/rounds/${calm.round.id}/transport/at-risk`, (r) => r.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'boom' } }) }));
  await page.reload();
  await settled(page);
  assert.equal(await page.locator('#risk-list [role=alert]').getAttribute('data-code'), 'internal');
  page.problems = page.problems.filter((p) => !/status of 500/.test(p));
  noProblems(page);
  await page.context().close();
});

test('the map: Leaflet with the configured tiles, the hub, the sites and each vehicle\'s next stop; blocked tiles fall back to the schematic', async () => {
  const { round, officer } = await transportRound(srv, { name: '转运地图轮', coords: true });
  const plan = await storedPlan(officer, round.id);
  const next = plan.runs[0].stops[0];
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  const before = tileHits;
  await open(page, srv, `/rounds/${round.id}/map`);
  await page.locator('#rmap-leaflet .leaflet-interactive.rm-site').first().waitFor();
  assert.equal(await page.locator('.leaflet-interactive.rm-site').count(), 2);
  assert.equal(await page.locator('.leaflet-interactive.rm-hub').count(), 1);
  assert.equal(await page.locator('.leaflet-interactive.rm-next').count(), 1);
  assert.equal((await page.locator('.rm-next-tip').textContent()).trim(), `▶ 豫A12345 ${hm(next.arrive_at)}`);
  await page.waitForFunction(() => document.querySelector('.leaflet-tile-loaded'));
  assert.ok(tileHits > before, 'tiles came from the configured server');
  assert.match(await page.locator('#rmap-leaflet').textContent(), /港城公寓核酸点.*新港学校核酸点|新港学校核酸点.*港城公寓核酸点/);
  const li = page.locator('#rmap-next li[data-vehicle="豫A12345"]');
  assert.match(await li.textContent(), new RegExp(`豫A12345 → ${next.at === 'LAB' ? '检测中心（LAB）' : '(港城公寓|新港学校)核酸点'} · ${hm(next.arrive_at)} 到达`));
  await page.waitForTimeout(300);
  await shot(page, 'round-map');
  noProblems(page);
  await page.context().close();

  // the tile server unreachable: the schematic, and a note why
  const blocked = await newPage(browser);
  await blocked.route(`http://127.0.0.1:${tiles.address().port}/**`, (r) => r.abort());
  await login(blocked, srv, 'cuizhengbo');
  await open(blocked, srv, `/rounds/${round.id}/map`);
  await blocked.locator('#rmap-schematic').waitFor();
  assert.equal(await blocked.locator('#rmap-note [data-note="rmap.tiles_failed"]').count(), 1);
  assert.equal(await blocked.locator('#rmap-schematic .rm-site').count(), 2);
  assert.equal(await blocked.locator('#rmap-schematic .rm-hub').count(), 1);
  blocked.problems = blocked.problems.filter((p) => !/net::ERR_FAILED/.test(p));
  noProblems(blocked);
  await blocked.context().close();
});

test('the map without tiles configured: a schematic placed by latitude and longitude, named, on a phone', async () => {
  const plain = await startServer({ args: ['--map-tiles', ''] });
  try {
    const { round, officer } = await transportRound(plain, { name: '转运示意轮', coords: true, spare: true });
    const plan = await storedPlan(officer, round.id);
    const page = await newPage(browser, { width: 360, height: 740 });
    const leaflet = [];
    page.on('request', (r) => { if (r.url().includes('vendor/leaflet')) leaflet.push(r.url()); });
    await login(page, plain, 'cuizhengbo');
    await open(page, plain, `/rounds/${round.id}/map`);
    const svg = page.locator('#rmap-schematic');
    await svg.waitFor();
    assert.deepEqual(leaflet, [], 'no Leaflet without tiles');
    assert.equal(await page.locator('#rmap-note [data-note="rmap.no_tiles"]').count(), 1);
    assert.equal(await svg.locator('.rm-site').count(), 2);
    assert.equal(await svg.locator('.rm-hub').count(), 1);
    assert.match(await svg.textContent(), /港城公寓核酸点/);
    assert.match(await svg.textContent(), /新港学校核酸点/);
    assert.match(await svg.locator('title').first().textContent(), /示意图/);
    // placed by coordinates: the site further north is higher, the one further east more to the right
    const pos = async (name) => svg.locator('.rm-site', { hasText: name }).locator('.rm-dot').evaluate((c) => ({ x: +c.getAttribute('cx'), y: +c.getAttribute('cy') }));
    const a = await pos('港城公寓核酸点'); const b = await pos('新港学校核酸点'); // 34.52,113.84 and 34.535,113.862
    assert.ok(b.y < a.y && b.x > a.x, JSON.stringify({ a, b }));
    // the next stop ringed, and in words for every vehicle
    const next = plan.runs[0].stops[0];
    assert.equal(await svg.locator('.rm-next').count(), 1);
    assert.match(await svg.locator('.rm-vehicles').textContent(), new RegExp(`豫A12345 ${hm(next.arrive_at)}`));
    assert.equal(await page.locator('#rmap-next li').count(), 2);
    assert.match(await page.locator('#rmap-next li[data-vehicle="豫A67890"]').textContent(), plan.runs.some((r) => r.vehicle === '豫A67890') ? /到达/ : /今天没有后续站点/);
    await noHorizontalScroll(page);
    await shot(page, 'phone-round-map-schematic', { fullPage: true });
    noProblems(page);
    await page.context().close();
  } finally {
    await plain.stop();
  }
});

test('the dashboard counts boxes at risk across open rounds and links to the list', async () => {
  await transportRound(srv, { name: '转运看板轮', deadline: 8 });
  const officer = await apiAs(srv, 'cuizhengbo');
  const page = await newPage(browser);
  await login(page, srv, 'cuizhengbo');
  await open(page, srv, '/dashboard');
  const panel = page.locator('#panel-transport');
  await panel.locator('.tile').first().waitFor();
  const code = await page.evaluate(async () => (await import('/js/state.js')).state.area.code);
  const sum = await officer('GET', `/transport/at-risk?area=${code}`);
  assert.equal(sum.status, 200);
  assert.ok(sum.data.planned_late > 0);
  for (const k of ['planned_late', 'at_risk', 'overdue']) {
    assert.equal((await panel.locator(`[data-count=${k}] .n`).textContent()).trim(), String(sum.data[k]), k);
  }
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'dashboard-transport');
  await panel.locator('[data-count=planned_late]').click();
  await settled(page);
  assert.match(page.url(), /#\/rounds\/\d+\/risk$/);
  await page.locator('#risk-list tbody tr').first().waitFor();
  // the nav's transport screen lists the open rounds with their counts
  await page.locator('#nav-list a[data-nav="/transport"]').click();
  await settled(page);
  const rows = page.locator('#transport-rounds tbody tr');
  assert.equal(await rows.count(), sum.data.items.length);
  noProblems(page);
  await page.context().close();
});
