// The message catalogues (no browser needed): both languages have the same
// keys and placeholders, every key the code names exists, and no text meant
// for people is written into the code itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WEB } from './lib/harness.mjs';

const zh = JSON.parse(readFileSync(join(WEB, 'i18n/zh-CN.json'), 'utf8'));
const en = JSON.parse(readFileSync(join(WEB, 'i18n/en.json'), 'utf8'));

function files(dir, exts) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'vendor' || name === 'i18n') continue;
    if (statSync(p).isDirectory()) out.push(...files(p, exts));
    else if (exts.some((e) => name.endsWith(e))) out.push(p);
  }
  return out;
}
const code = files(WEB, ['.js', '.html', '.css']);

test('zh-CN and en have the same keys, none empty, with the same placeholders', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
  for (const [k, v] of Object.entries(zh)) {
    assert.ok(v.trim() && en[k].trim(), `${k} is empty`);
    const vars = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();
    assert.equal(vars(en[k]), vars(v), `${k}: placeholders differ`);
  }
});

test('every key named in the code is in the catalogues', () => {
  const missing = [];
  for (const f of code) {
    const src = readFileSync(f, 'utf8');
    const keys = [
      ...[...src.matchAll(/'([a-z][a-zA-Z_]*(?:\.[a-zA-Z0-9_-]+)+)'/g)].map((m) => m[1])
        .filter((k) => !k.startsWith('fx.') && !/\.(xlsx|csv|pdf)$/.test(k)), // storage keys and download file names
      ...[...src.matchAll(/data-i18n="([^"]+)"/g)].map((m) => m[1]),
      ...[...src.matchAll(/data-i18n-attr="([^"]+)"/g)].flatMap((m) => m[1].split(';').map((p) => p.split(':')[1])),
    ];
    for (const k of keys) if (!(k in zh)) missing.push(`${relative(WEB, f)}: ${k}`);
  }
  assert.deepEqual(missing, []);
});

test('keys built from server values cover every value the server sends', () => {
  const families = {
    role: ['admin', 'officer', 'staff', 'registrar', 'driver', 'lab', 'volunteer'],
    kind: ['district', 'subdistrict', 'community', 'workstation', 'compound', 'building', 'unit'],
    risk: ['none', 'precaution', 'controlled', 'sealed'],
    category: ['resident', 'floating', 'employee', 'merchant_staff'],
    flag: ['elderly', 'alone', 'no_smartphone', 'chronic', 'pregnant', 'disabled'],
    id_type: ['id_card', 'passport', 'hk_macau', 'taiwan', 'other'],
    sex: ['M', 'F'],
    count: ['persons', 'households', 'merchants', 'floating', 'employees', 'vulnerable'],
    'import.status': ['running', 'done', 'failed'],
    'import.level': ['reject', 'warning'],
    'import.kind': ['persons', 'merchants'],
    'validate.id_ok': ['M', 'F'],
  };
  for (const [family, values] of Object.entries(families)) {
    for (const v of values) {
      const key = family === 'validate.id_ok' ? `${family}_${v}` : `${family}.${v}`;
      assert.ok(key in zh, key);
    }
  }
  // every error code the API documents has words, and what to do next
  for (const c of ['invalid_json', 'missing_field', 'invalid_field', 'unknown_field', 'login_required', 'invalid_token',
    'session_expired', 'wrong_credentials', 'forbidden', 'outside_area', 'csrf_failed', 'has_children', 'in_use',
    'body_too_large', 'too_many_attempts', 'overloaded', 'busy', 'shutting_down', 'person_exists', 'has_members',
    'not_party_member', 'licence_taken', 'invalid_id_number', 'invalid_phone', 'network']) {
    assert.ok(`error.${c}` in zh && `error.${c}.next` in zh, `error.${c}`);
  }
  for (const s of [0, 400, 401, 403, 404, 409, 413, 422, 429, 500, 503]) assert.ok(`error.status.${s}.next` in zh);
});

test('no Chinese text is written into the code: it all comes from the catalogues', () => {
  const found = [];
  for (const f of code) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      if (/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/.test(line)) found.push(`${relative(WEB, f)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});

test('HTML elements carry keys, not text', () => {
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  const body = html.replace(/<script[\s\S]*?<\/script>/g, '');
  const texts = [...body.matchAll(/>([^<>]+)</g)].map((m) => m[1].trim()).filter(Boolean);
  assert.deepEqual(texts, []);
});
