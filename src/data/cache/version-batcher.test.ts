import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createVersionBatcher } from './version-batcher.js';

test('concurrent version reads share one fetch of the union of their tables, each gets its own order', async () => {
  const fetched: string[][] = [];
  const store: Record<string, string> = { articles: '7', users: '3', tags: '9' };
  const batcher = createVersionBatcher(async (tables) => {
    fetched.push([...tables]);
    return tables.map((t) => store[t] ?? null);
  });
  const [a, b, c] = await Promise.all([
    batcher.read(['articles', 'users']),
    batcher.read(['users', 'tags']),
    batcher.read(['comments']),
  ]);
  assert.deepEqual(a, ['7', '3']);
  assert.deepEqual(b, ['3', '9']);
  assert.deepEqual(c, [null]);
  assert.deepEqual(fetched, [['articles', 'users', 'tags', 'comments']]);
  assert.equal(batcher.batches, 1);
});

test('a read that starts after a batch was sent waits for a new one and sees a write made in between', async () => {
  const store: Record<string, string> = { articles: '1' };
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const batcher = createVersionBatcher(async (tables) => {
    const snapshot = tables.map((t) => store[t] ?? null);
    await gate;
    return snapshot;
  });
  const first = batcher.read(['articles']);
  await new Promise((r) => setImmediate(r)); // the first batch is sent with version 1
  store.articles = '2'; // a write is acknowledged
  const second = batcher.read(['articles']);
  release();
  assert.deepEqual(await first, ['1']);
  assert.deepEqual(await second, ['2']);
  assert.equal(batcher.batches, 2);
});

test('a failed fetch rejects every read of its batch and the next batch works again', async () => {
  let fail = true;
  const batcher = createVersionBatcher(async (tables) => {
    if (fail) throw new Error('redis timed out');
    return tables.map(() => '5');
  });
  const results = await Promise.allSettled([batcher.read(['a']), batcher.read(['b'])]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  fail = false;
  assert.deepEqual(await batcher.read(['a']), ['5']);
});
