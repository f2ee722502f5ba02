// /public/ without login: the site list with status and wait, the map (Leaflet
// loaded only when opened; the list stays when tiles fail), result lookup found and
// not found, 360 px, the zh/en switch, and what a phone downloads (< 100 KB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, apiAs, shot, noProblems, unlabelledControls, noHorizontalScroll } from './lib/harness.mjs';

let srv; let browser; let person;
// a grey 1×1 PNG standing in for map tiles (the test has no tile server)
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGPo6AAAAgEBAJ7HXrIAAAAASUVORK5CYII=', 'base64');

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  const officer = await apiAs(srv, 'cuizhengbo');
  const reg = await apiAs(srv, 'zhangmingqiang');
  const lab = await apiAs(srv, 'lab');
  const now = Math.floor(Date.now() / 1000);
  const round = (await officer('POST', '/rounds', { name: '第一轮', areas: ['HKG-YH'], start: now - 3600, deadline: now + 86400 })).data;
  const s1 = (await officer('POST', '/sites', { name: '鑫荣公寓采样点', area: 'HKG-YH-IT-W12-XR', lat: 34.521, lng: 113.842, tables: 2, opens: 0, closes: 1440 })).data;
  await officer('POST', '/sites', { name: '港城公寓采样点', area: 'HKG-YH-IT-W12-GC', lat: 34.515, lng: 113.85, tables: 1, opens: 0, closes: 1440 });
  await officer('POST', '/sites', { name: '夜间休息点', area: 'HKG-YH-IT-W12', lat: 34.53, lng: 113.83, status: 'paused' });
  await officer('POST', `/sites/${s1.id}/staff`, { username: 'zhangmingqiang' });
  // a long queue for two tables (400 an hour at best): 75 minutes, congested
  await reg('POST', `/sites/${s1.id}/queue`, { length: 500 });
  const ps = (await officer('GET', '/persons?area=HKG-YH-IT-W12-XR&limit=5')).data.items.filter((p) => p.id_type === 'id_card');
  [person] = ps;
  const b = await reg('POST', '/sampling/batch', { events: [
    { id: 'p-o', type: 'tube_open', round: round.id, site: s1.id, tube: 'PUB1', pool_size: 10, at: now - 900 },
    { id: 'p-s', type: 'sample', tube: 'PUB1', person: { id_number: person.id_number }, at: now - 890 },
    { id: 'p-c', type: 'tube_seal', tube: 'PUB1', at: now - 880 }] });
  assert.equal(b.data.summary.ok, 3, JSON.stringify(b.data));
  assert.equal((await lab('POST', '/results', { results: [{ tube: 'PUB1', result: 'negative', at: now - 60 }] })).status, 200);
});
after(async () => { await browser?.close(); await srv?.stop(); });

/** Bytes over the wire (compressed) for everything the page loaded. */
async function transferred(page, fn) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await fn();
  await page.waitForTimeout(300);
  return bytes;
}

test('the site list on a 360 px phone: status in words, waits, under 100 KB; the map only when opened', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await page.route('https://tile.openstreetmap.org/**', (r) => r.fulfill({ status: 200, contentType: 'image/png', body: TILE }));
  const leaflet = [];
  page.on('request', (r) => { if (r.url().includes('leaflet')) leaflet.push(r.url()); });
  const bytes = await transferred(page, async () => {
    await page.goto(`${srv.base}public/`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
  });
  console.log(`# /public/ list: ${bytes} bytes transferred`);
  assert.ok(bytes < 100 * 1024, `${bytes} bytes`);
  const items = page.locator('#site-list li');
  assert.equal(await items.count(), 3);
  assert.match(await items.nth(0).textContent(), /港城公寓采样点.*畅通/); // clear first, congested later, resting last
  assert.match(await items.nth(1).textContent(), /鑫荣公寓采样点.*拥挤.*预计排队 [\d,]+ 分钟/);
  assert.match(await items.nth(2).textContent(), /夜间休息点.*休息/);
  assert.deepEqual(leaflet, [], 'Leaflet is not loaded with the list');
  await noHorizontalScroll(page);
  assert.deepEqual(await unlabelledControls(page), []);
  await shot(page, 'public-sites-phone');

  await page.locator('#map-btn').click();
  await page.locator('.leaflet-interactive').first().waitFor();
  assert.equal(await page.locator('.leaflet-interactive').count(), 3);
  assert.ok(leaflet.length >= 1);
  await page.waitForTimeout(300);
  await shot(page, 'public-map-phone');
  assert.equal(await page.locator('#site-list li').count(), 3, 'the list stays under the map');
  noProblems(page);
  await page.context().close();
});

test('tiles that cannot be fetched: a note, and the list', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  await page.route('https://tile.openstreetmap.org/**', (r) => r.abort());
  await page.goto(`${srv.base}public/`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.locator('#map-btn').click();
  await page.locator('#map-note .note').waitFor();
  assert.equal(await page.locator('#map-note .note').getAttribute('data-i18n'), 'public.tiles_failed');
  assert.equal(await page.locator('#site-list li').count(), 3);
  page.problems = page.problems.filter((p) => !/net::ERR_FAILED/.test(p));
  noProblems(page);
  await page.context().close();
});

test('result lookup: masked when found; one answer for a wrong name and an unknown number; zh/en', async () => {
  const page = await newPage(browser, { width: 360, height: 740 });
  const bytes = await transferred(page, async () => {
    await page.goto(`${srv.base}public/#lookup`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
  });
  assert.ok(bytes < 100 * 1024, `${bytes} bytes`);
  assert.ok(await page.locator('#lookup-view').isVisible());
  assert.deepEqual(await unlabelledControls(page), []);
  // a mistyped number is caught as it is typed
  await page.locator('#lookup-id').fill(`${person.id_number.slice(0, 17)}${person.id_number[17] === '1' ? '2' : '1'}`);
  assert.notEqual(await page.locator('#lookup-id-check').textContent(), '');
  await page.locator('#lookup-id').fill(person.id_number);
  assert.equal(await page.locator('#lookup-id-check').textContent(), '');
  await page.locator('#lookup-name').fill(person.name);
  await page.locator('#lookup-form button[type=submit]').click();
  await page.locator('.result').waitFor();
  const text = await page.locator('.result').textContent();
  assert.match(text, /阴性/);
  assert.ok(!text.includes(person.id_number), 'the full number is not shown');
  assert.ok(text.includes(`${person.id_number.slice(0, 4)}**********${person.id_number.slice(14)}`), text);
  assert.ok(text.includes(`${person.name[0]}*`), text);
  await noHorizontalScroll(page);
  await shot(page, 'public-lookup-found');

  await page.locator('#lookup-name').fill('某某某');
  await page.locator('#lookup-form button[type=submit]').click();
  await page.locator('#lookup-result [data-i18n="public.not_found"]').waitFor();
  const wrongName = await page.locator('#lookup-result').textContent();
  await page.locator('#lookup-id').fill('110101199003074477'); // valid, and nobody's
  const answered = page.waitForResponse((r) => r.url().endsWith('/lookup'));
  await page.locator('#lookup-form button[type=submit]').click();
  await answered;
  await page.locator('#lookup-result [data-i18n="public.not_found"]').waitFor();
  assert.equal(await page.locator('#lookup-result').textContent(), wrongName);
  await shot(page, 'public-lookup-not-found');

  await page.locator('#lang-select').selectOption('en');
  await page.waitForFunction(() => document.querySelector('h1').textContent === 'Testing sites and results');
  assert.equal(await page.locator('label[for=lookup-name]').textContent(), 'Name');
  await page.locator('#tab-sites').click();
  await page.locator('#sites-view').waitFor();
  assert.match(await page.locator('#updated').textContent(), /^Updated \d/);
  assert.match(await page.locator('#site-list').textContent(), /Congested.*About [\d,]+ min wait/);
  noProblems(page);
  await page.context().close();
});
