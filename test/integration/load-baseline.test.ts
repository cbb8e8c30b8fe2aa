// `bulwark load --runs N --against URL`: interleaved repeated runs against a baseline target, medians,
// Mann–Whitney U, a verdict with the effect size, and an exit code for a significant slowdown.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTrivialServer, type TrivialServer } from '../../src/load/index.js';
import { tempDir } from '../support/stack.js';

let fast: TrivialServer;
let slow: TrivialServer;
const dir = tempDir('bulwark-load-baseline-');
const scenario = join(dir, 'steady.yaml');

before(async () => {
  [fast, slow] = await Promise.all([startTrivialServer(10), startTrivialServer(30)]);
  writeFileSync(
    scenario,
    [
      'name: steady',
      'executor: { type: constant, rate: 100, duration: 2s }',
      'users: { anonymous: 100, signedIn: 0 }',
      'journeys:',
      '  - { name: ping, steps: [ { name: ping, get: / } ] }',
      '',
    ].join('\n'),
  );
});
after(async () => {
  await Promise.all([fast?.stop(), slow?.stop()]);
});

function load(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['bin/bulwark.js', 'load', scenario, '--quiet', '--out', dir, ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('a target three times as slow as the interleaved baseline is called slower, with the ratio, and exits 98', async () => {
  const r = await load(['--url', slow.origin, '--against', fast.origin, '--runs', '7']);
  assert.equal(r.code, 98, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /\*\*Verdict: slower\*\*/);
  const p50 = /\| p50 \| ([\d.]+) \| ([\d.]+) \| ×([\d.]+) \| ([\d.]+)/.exec(r.stdout);
  assert.ok(p50, r.stdout);
  const [, base, cand, , p] = p50.map(Number);
  assert.ok((cand as number) > (base as number), r.stdout);
  assert.ok((p as number) < 0.05, r.stdout);
  // interleaved: baseline and candidate alternate, the first pair in one order, the next reversed
  const order = [...r.stderr.matchAll(/run (\d)\/7: (candidate|baseline)/g)].map(
    (m) => `${m[1]}${m[2]?.[0]}`,
  );
  assert.deepEqual(order, [
    '1c',
    '1b',
    '2b',
    '2c',
    '3c',
    '3b',
    '4b',
    '4c',
    '5c',
    '5b',
    '6b',
    '6c',
    '7c',
    '7b',
  ]);
});

test('a stored baseline is compared with this session, and too few runs give no verdict but say why', async () => {
  const file = join(dir, 'baseline.json');
  const saved = await load(['--url', fast.origin, '--runs', '2', '--save-baseline', file]);
  assert.equal(saved.code, 0, saved.stderr);
  const set = JSON.parse(readFileSync(file, 'utf8')) as { kind: string; runs: unknown[] };
  assert.equal(set.kind, 'bulwark-load-samples');
  assert.equal(set.runs.length, 2);
  const r = await load(['--url', slow.origin, '--runs', '2', '--baseline', file]);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /\*\*Verdict: no significant change\*\*/);
  assert.match(r.stdout, /3 against 3 never can/);
});

test('a baseline file that is not one gets a usage error, not a crash', async () => {
  const bogus = join(dir, 'bogus.json');
  writeFileSync(bogus, '{"hello": 1}');
  const r = await load(['--url', fast.origin, '--baseline', bogus]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /is not a baseline written by --save-baseline/);
  const remote = await load(['--url', 'http://192.0.2.1:80']);
  assert.equal(remote.code, 2);
  assert.match(remote.stderr, /is not loopback/);
});
