import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { test } from 'node:test';
import { createQueryCache, type QueryCache } from '../../src/data/cache/index.js';
import { freePort } from '../support/stack.js';

/** Upper bound for one read while Redis is unreachable or hung: 100 ms command timeout plus slack. */
const MAX_READ_MS = 750;
const options = { tables: ['articles'], ttlMs: 60_000 };

/** The truth the loader reads; it stands in for the database. */
function source() {
  const s = {
    value: 1,
    loads: 0,
    loader: async () => {
      s.loads++;
      return { value: s.value };
    },
  };
  return s;
}

/** Reads `n` times; returns the values and the slowest read. Any throw fails the test. */
async function timedReads(cache: QueryCache, loader: () => Promise<{ value: number }>, n = 20) {
  const values: number[] = [];
  let slowest = 0;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    values.push((await cache.read('article:a', options, loader)).value);
    slowest = Math.max(slowest, performance.now() - started);
  }
  return { values: [...new Set(values)], slowest };
}

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

test('with Redis on a closed port every read returns the loader value at once and nothing throws', async () => {
  const port = await freePort();
  const cache = createQueryCache({ redisUrl: `redis://127.0.0.1:${port}` });
  const s = source();
  try {
    const first = await timedReads(cache, s.loader, 50);
    assert.deepEqual(first.values, [1]);
    s.value = 2;
    assert.equal(await cache.invalidate(['articles']), 'deferred');
    const second = await timedReads(cache, s.loader, 50);
    assert.deepEqual(second.values, [2]);
    assert.ok(Math.max(first.slowest, second.slowest) < MAX_READ_MS);
    assert.equal(s.loads, 100);
    const stats = cache.stats();
    assert.deepEqual([stats.bypasses, stats.hits, stats.circuit], [100, 0, 'open']);
  } finally {
    await cache.close();
  }
});

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function startRedis(port: number): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGCONT');
  child.kill('SIGKILL');
  await exited;
}

test('a dedicated Redis that hangs, dies and comes back never costs a wrong value, a throw or a long read', async (t) => {
  if (!hasRedisServer()) {
    t.skip('no redis-server binary to run a Redis of our own; the closed-port test covers the fallback');
    return;
  }
  const port = await freePort();
  let redis = startRedis(port);
  const cache = createQueryCache({ redisUrl: `redis://127.0.0.1:${port}`, redisProbeIntervalMs: 200 });
  const s = source();
  try {
    assert.equal(await cache.ready(5_000), true);
    // Up: the second and later reads are hits.
    assert.deepEqual((await timedReads(cache, s.loader)).values, [1]);
    assert.equal(s.loads, 1);

    // Hung (SIGSTOP): connected, but no answers. Reads pay at most the command timeout, then the
    // circuit opens and they go straight to the loader.
    redis.kill('SIGSTOP');
    s.value = 2;
    const started = performance.now();
    assert.equal(await cache.invalidate(['articles']), 'deferred');
    assert.ok(performance.now() - started < 2_000);
    const hung = await timedReads(cache, s.loader);
    assert.deepEqual(hung.values, [2]);
    assert.ok(hung.slowest < MAX_READ_MS, `slowest read ${hung.slowest} ms`);
    assert.equal(cache.stats().circuit, 'open');

    // Back (SIGCONT): Redis still holds the entry with value 1, but the deferred invalidation is
    // replayed before the cache is used again, so that entry is never served.
    redis.kill('SIGCONT');
    assert.equal(await until(() => cache.stats().circuit === 'closed', 5_000), true);
    const loadsBefore = s.loads;
    assert.deepEqual((await timedReads(cache, s.loader)).values, [2]);
    assert.equal(s.loads, loadsBefore + 1);

    // Dead (SIGKILL): reads fall back at once.
    await stopRedis(redis);
    s.value = 3;
    await cache.invalidate(['articles']);
    const dead = await timedReads(cache, s.loader);
    assert.deepEqual(dead.values, [3]);
    assert.ok(dead.slowest < MAX_READ_MS, `slowest read ${dead.slowest} ms`);

    // Restarted, empty: the cache is used again without a restart of ours.
    redis = startRedis(port);
    assert.equal(await cache.ready(10_000), true);
    const hitsBefore = cache.stats().hits;
    assert.deepEqual((await timedReads(cache, s.loader)).values, [3]);
    assert.ok(cache.stats().hits >= hitsBefore + 19);
    t.diagnostic(JSON.stringify(cache.stats()));
  } finally {
    await cache.close();
    await stopRedis(redis);
  }
});
