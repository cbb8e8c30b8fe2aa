import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './load.js';

const tempFile = (content: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'bulwark-config-')), 'bulwark.config.json');
  writeFileSync(file, content);
  return file;
};

test('with no sources every option has its documented default', () => {
  const result = loadConfig({ env: {}, flags: {} });
  assert.ok(result.ok);
  assert.equal(result.config.http.port, 3000);
  assert.equal(result.config.database.url, '');
  assert.equal(result.config.database.embeddedPort, 54320);
  assert.ok(result.config.workers >= 1, 'workers 0 resolves to the number of cores');
});

test('a file overrides defaults, the environment overrides the file, flags override the environment', () => {
  const file = tempFile(JSON.stringify({ http: { port: 4000, host: '0.0.0.0' }, api: { maxLimit: 50 } }));
  const result = loadConfig({
    file,
    env: { PORT: '5000', BULWARK_API_MAX_LIMIT: '60' },
    flags: { 'http.port': '6000' },
  });
  assert.ok(result.ok);
  assert.equal(result.config.http.port, 6000);
  assert.equal(result.config.http.host, '0.0.0.0');
  assert.equal(result.config.api.maxLimit, 60);
});

test('an invalid configuration lists every problem at once with the option and the value given', () => {
  const file = tempFile(JSON.stringify({ http: { port: 70000 }, surprise: true }));
  const result = loadConfig({
    file,
    env: { BULWARK_WORKERS: 'many' },
    flags: { 'log.level': 'loud', nope: '1' },
  });
  assert.equal(result.ok, false);
  if (result.ok) return;
  const text = result.problems.join('\n');
  assert.match(text, /workers: environment BULWARK_WORKERS gives "many", expected a number/);
  assert.match(text, /--nope: unknown option/);
  assert.match(text, /http\.port: .*65535.*70000/);
  assert.match(text, /log\.level/);
  assert.match(text, /surprise/);
  assert.ok(result.problems.length >= 4);
});

test('a config file that is not JSON is reported with its path', () => {
  const file = tempFile('{ not json');
  const result = loadConfig({ file, env: {} });
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.problems[0] ?? '', /config file .*bulwark\.config\.json/);
});

test('the resolved configuration is frozen', () => {
  const result = loadConfig({ env: {} });
  assert.ok(result.ok);
  assert.throws(() => {
    (result.config.http as { port: number }).port = 1;
  }, TypeError);
});
