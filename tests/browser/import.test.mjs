// Import a CSV with a bad row: progress, counts, the reject with its reason
// and the reject report; then export the area to XLSX and CSV.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, login, shot, noProblems, unlabelledControls, open, settled } from './lib/harness.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

// 410101199003070012 and 41010119850512002X are valid; row 3's check digit is wrong (…0013).
const CSV = '姓名,身份证号,手机号,楼栋,单元,房号,特殊人群\n'
  + '王导入,410101199003070012,13800138000,1,1,101,高龄\n'
  + '李错误,410101199003070013,13800138001,1,1,102,\n'
  + '赵导入,41010119850512002X,,1,2,201,独居、无智能手机\n';

test('a CSV import shows its progress, its counts and the rejected row with its reason', async () => {
  const page = await newPage(browser, { acceptDownloads: true });
  await login(page, srv, 'panpeng');
  await page.locator('#nav-list a', { hasText: '导入导出' }).click();
  await page.locator('#import-form').waitFor();
  assert.deepEqual(await unlabelledControls(page), []);
  // import into the compound 鑫荣公寓, chosen with the area picker
  await page.locator('#import-form').getByRole('button', { name: '更换区域' }).click();
  const picker = page.locator('#area-picker');
  await picker.waitFor();
  await shot(page, 'area-picker');
  await picker.getByRole('button', { name: /鑫荣公寓 · 小区\/街道/ }).click();
  await page.waitForFunction(() => document.getElementById('import-area')?.textContent === '鑫荣公寓');
  assert.match(await page.locator('#area-button').textContent(), /鑫荣公寓/);

  // nothing chosen yet: said, not sent
  await page.getByRole('button', { name: '上传并导入' }).click();
  assert.match(await page.locator('#upload-status').textContent(), /请先选择要导入的文件/);

  const file = join(srv.dir, 'people.csv');
  writeFileSync(file, CSV);
  await page.getByLabel('选择 CSV 文件').setInputFiles(file);
  await shot(page, 'import');
  await page.getByRole('button', { name: '上传并导入' }).click();
  await page.waitForURL(/#\/import\/\d+$/);
  await settled(page);
  await page.locator('#import-job [data-status=done]').waitFor();
  const counts = async (k) => (await page.locator(`#import-counts [data-count=${k}] .n`).textContent()).trim();
  assert.equal(await counts('rows'), '3');
  assert.equal(await counts('accepted'), '2');
  assert.equal(await counts('rejected'), '1');
  assert.equal(await page.locator('#import-progress').getAttribute('value'), await page.locator('#import-progress').getAttribute('max'));
  assert.match(await page.locator('#import-job').textContent(), /100%/);

  const rejects = page.locator('#import-rejects');
  await rejects.locator('table').waitFor();
  const rows = rejects.locator('tbody tr');
  assert.equal(await rows.count(), 1);
  const row = await rows.first().textContent();
  assert.match(row, /^3/, 'the spreadsheet row number (the header is row 1)');
  assert.match(row, /身份证号/);
  assert.match(row, /最后一位（校验位）与前 17 位对不上/);
  assert.match(row, /李错误,410101199003070013/);
  await rejects.scrollIntoViewIfNeeded();
  await shot(page, 'import-rejects');

  // the reject report as CSV for Excel
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#rejects-csv').click()]);
  assert.match(download.suggestedFilename(), /^import-\d+-rejects\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.ok(csv.startsWith('\uFEFFrow,level,field,reason,raw'), 'a BOM and the header');
  assert.match(csv, /410101199003070013/);

  // the good rows are in the registry
  await open(page, srv, `/persons?q=${encodeURIComponent('王导入')}`);
  await page.locator('#search-results table').waitFor();
  assert.match(await page.locator('#search-results').textContent(), /410101199003070012/);
  // and on the dashboard's import panel
  await open(page, srv, `/dashboard`);
  await page.locator('#panel-imports table').waitFor();
  assert.match(await page.locator('#panel-imports tbody tr').first().textContent(), /people\.csv.*已完成/);
  noProblems(page);
  await page.context().close();
});

test('the people of an area export to XLSX and CSV downloads', async () => {
  const page = await newPage(browser, { acceptDownloads: true });
  await login(page, srv, 'panpeng');
  await open(page, srv, `/areas/HKG-YH-IT-W12-XR-B1-U1`);
  const xlsxLink = page.locator('[data-export=xlsx]');
  await xlsxLink.waitFor();
  assert.match(await xlsxLink.getAttribute('href'), /\/api\/v1\/exports\/persons\?area=HKG-YH-IT-W12-XR-B1-U1&format=xlsx$/);
  const [xlsx] = await Promise.all([page.waitForEvent('download'), xlsxLink.click()]);
  assert.equal(xlsx.suggestedFilename(), 'persons-HKG-YH-IT-W12-XR-B1-U1.xlsx');
  const bytes = readFileSync(await xlsx.path());
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX file is a zip');
  assert.ok(bytes.length > 5000);

  const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export=csv]').click()]);
  const text = readFileSync(await csv.path(), 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'CSV with a BOM for Excel');
  assert.match(text.split('\n')[0], /姓名/);
  assert.ok(text.split('\n').length > 100);
  noProblems(page);
  await page.context().close();
});
