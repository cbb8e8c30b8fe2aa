import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createQueryCache } from './index.js';

function setup(options: { beta?: number; random?: () => number; maxBytes?: number } = {}) {
  const clock = { t: 1_000, now: () => clock.t };
  const cache = createQueryCache({ clock, beta: 0, ...options });
  const source = { value: 'v1', calls: 0 };
  const loader = async () => {
    source.calls++;
    return { value: source.value };
  };
  return { clock, cache, source, loader };
}

const opts = { tables: ['articles', 'users'], ttlMs: 1_000 };

test('a second read within the TTL is a hit and does not call the loader', async () => {
  const { cache, source, loader } = setup();
  assert.deepEqual(await cache.read('k', opts, loader), { value: 'v1' });
  source.value = 'v2';
  assert.deepEqual(await cache.read('k', opts, loader), { value: 'v1' });
  assert.equal(source.calls, 1);
  const s = cache.stats();
  assert.deepEqual([s.hits, s.misses, s.backend], [1, 1, 'memory']);
});

test('an entry past its TTL on the injected clock is reloaded', async () => {
  const { clock, cache, source, loader } = setup();
  await cache.read('k', opts, loader);
  source.value = 'v2';
  clock.t += 999;
  assert.deepEqual(await cache.read('k', opts, loader), { value: 'v1' });
  clock.t += 1;
  assert.deepEqual(await cache.read('k', opts, loader), { value: 'v2' });
  assert.equal(source.calls, 2);
});

test('invalidating any table a result read makes it stale at once; other tables leave it alone', async () => {
  const { cache, source, loader } = setup();
  await cache.read('k', opts, loader);
  source.value = 'v2';
  await cache.invalidate(['comments']);
  assert.deepEqual(await cache.read('k', opts, loader), { value: 'v1' });
  await cache.invalidate(['users']);
  assert.deepEqual(await cache.read('k', opts, loader), { value: 'v2' });
  assert.equal(cache.stats().staleRejections, 1);
});

test('a load that raced a write is not served after the write is acknowledged', async () => {
  const { cache, source } = setup();
  let release!: () => void;
  let started!: () => void;
  const loading = new Promise<void>((r) => {
    started = r;
  });
  const slow = async () => {
    const seen = source.value; // the load read the database before the write
    started();
    await new Promise<void>((r) => {
      release = r;
    });
    return { value: seen };
  };
  const before = cache.read('k', opts, slow);
  await loading;
  source.value = 'v2';
  await cache.invalidate(['articles']); // the write is acknowledged here
  const after = cache.read('k', opts, async () => ({ value: source.value }));
  release();
  assert.deepEqual(await before, { value: 'v1' });
  assert.deepEqual(await after, { value: 'v2' });
  assert.deepEqual(await cache.read('k', opts, async () => ({ value: 'unused' })), { value: 'v2' });
});

test('concurrent misses on one key call the loader once and every caller gets its own copy', async () => {
  const { cache, source, loader } = setup();
  const results = await Promise.all(Array.from({ length: 1_000 }, () => cache.read('k', opts, loader)));
  assert.equal(source.calls, 1);
  assert.equal(new Set(results).size, 1_000);
  assert.ok(results.every((r) => r.value === 'v1'));
  (results[0] as { value: string }).value = 'mutated by a caller';
  assert.deepEqual(await cache.read('k', opts, loader), { value: 'v1' });
  assert.equal(cache.stats().coalesced, 999);
});

test('every waiter gets the loader error, nothing is cached, and the next read retries', async () => {
  const { cache } = setup();
  let calls = 0;
  const failing = async () => {
    calls++;
    throw new Error('db down');
  };
  const settled = await Promise.allSettled(Array.from({ length: 10 }, () => cache.read('k', opts, failing)));
  assert.deepEqual(new Set(settled.map((s) => s.status)), new Set(['rejected']));
  assert.equal(calls, 1);
  assert.equal(await cache.read('k', opts, async () => 'ok'), 'ok');
  assert.equal(cache.stats().loaderErrors, 1);
});

test('values come back as their JSON round trip on a miss and on a hit alike', async () => {
  const { cache } = setup();
  const at = new Date('2024-01-02T03:04:05.000Z');
  const miss = await cache.read('k', opts, async () => ({ at, none: undefined }));
  const hit = await cache.read('k', opts, async () => ({ at, none: undefined }));
  assert.deepEqual(miss, { at: '2024-01-02T03:04:05.000Z' });
  assert.deepEqual(hit, miss);
  assert.equal(await cache.read('missing', opts, async () => undefined), null);
  assert.equal(await cache.read('missing', opts, async () => 'loaded again'), null);
});

test('XFetch refreshes a hot entry early in the background when the draw says so', async () => {
  let draw = 0.99;
  const clock = { t: 0, now: () => clock.t };
  const cache = createQueryCache({ clock, beta: 1, random: () => draw });
  let version = 1;
  const loader = async () => {
    clock.t += 100; // the query takes 100 ms: delta
    return version;
  };
  assert.equal(await cache.read('k', opts, loader), 1); // stored at t=100, expires at 1100
  version = 2;
  clock.t = 1_050; // 50 ms before expiry: refresh iff −100·ln(draw) ≥ 50, draw ≤ 0.607
  assert.equal(await cache.read('k', opts, loader), 1);
  assert.equal(cache.stats().earlyRefreshes, 0);
  draw = 0.5;
  assert.equal(await cache.read('k', opts, loader), 1); // served at once, refresh started
  await new Promise((r) => setImmediate(r));
  assert.equal(cache.stats().earlyRefreshes, 1);
  clock.t = 1_200; // past the old expiry: the refreshed entry answers
  assert.equal(await cache.read('k', opts, loader), 2);
  assert.deepEqual([cache.stats().misses, cache.stats().hits], [1, 3]);
});

test('the in-process store stays inside its byte budget and counts evictions', async () => {
  const { cache } = setup({ maxBytes: 4_096 });
  for (let i = 0; i < 100; i++) await cache.read(`k${i}`, opts, async () => 'x'.repeat(200));
  const s = cache.stats();
  assert.ok(s.bytes <= 4_096, `bytes ${s.bytes}`);
  assert.ok(s.evictions > 0);
  assert.equal(s.entries + s.evictions, 100);
});

test('a disabled cache calls the loader on every read', async () => {
  const cache = createQueryCache({ enabled: false });
  let calls = 0;
  for (let i = 0; i < 3; i++) await cache.read('k', opts, async () => ++calls);
  assert.equal(calls, 3);
  assert.equal(cache.stats().backend, 'off');
});
