// The CI performance gate catches a slowdown: the same gate (scenarios/perf-ci.yaml, run by
// `bulwark drill perf-ci --url`) passes against the hardened stack, then fails once the indexes behind
// listing by author and by tag (and so the feed) are dropped, as a careless migration would. The
// factor by which the database-bound requests slowed is printed with the result.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { PERF_CI_SEED } from '../../src/drill/index.js';
import type { LoadResult } from '../../src/load/index.js';
import { type SpawnedStack, spawnStack } from '../support/spawn-stack.js';
import { tempDir } from '../support/stack.js';

function runGate(url: string, out: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['bin/bulwark.js', 'drill', 'perf-ci', '--url', url, '--out', out],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', () => {});
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

function latestResult(dir: string): LoadResult {
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .pop() as string;
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as LoadResult;
}

const DB_BOUND = ['by-tag', 'by-author', 'feed'] as const;

let stack: SpawnedStack;

before(async () => {
  stack = await spawnStack([...PERF_CI_SEED, '--log.level', 'warn']);
  for (let i = 0; i < 900 && !stack.stderr().includes('Bulwark is up'); i++) {
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(stack.stderr(), /Bulwark is up/);
});

after(async () => {
  stack?.child.kill('SIGTERM');
  await stack?.exited;
});

test('the perf gate passes on the hardened stack and fails once the list indexes are dropped', async () => {
  const out = tempDir('bulwark-perf-gate-');
  const normal = await runGate(stack.baseUrl, out);
  const before = latestResult(out);
  assert.equal(normal.code, 0, normal.stdout);
  const client = new pg.Client(stack.databaseUrl);
  await client.connect();
  try {
    await client.query('DROP INDEX articles_author_created_idx');
    await client.query('DROP INDEX article_tags_tag_created_idx');
  } finally {
    await client.end();
  }
  const slowed = await runGate(stack.baseUrl, out);
  const afterRun = latestResult(out);
  const factors = DB_BOUND.map(
    (n) =>
      `${n} ×${((afterRun.byName[n]?.latency.p50 ?? 0) / (before.byName[n]?.latency.p50 ?? 1)).toFixed(2)}`,
  );
  process.stdout.write(`# with the indexes dropped, p50 of ${factors.join(', ')}\n`);
  assert.equal(slowed.code, 99, slowed.stdout);
  const breached = afterRun.thresholds.filter((t) => !t.ok).map((t) => t.metric);
  assert.ok(
    breached.some((m) => m.startsWith('latency{name:')),
    breached.join(', '),
  );
});
