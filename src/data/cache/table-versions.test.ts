import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { type TestContext, test } from 'node:test';
import { createQueryCache, createSharedVersionsFile } from './index.js';
import { SHARED_VERSIONS_BYTES, sharedTableVersions } from './table-versions.js';

// Two handles on one file stand for two processes: each has its own descriptor and buffers, and the
// kernel's page cache is all they share (test/e2e/cache-workers.test.ts runs real workers).
function twoHandles(t: TestContext) {
  const file = createSharedVersionsFile();
  const a = sharedTableVersions(file.path);
  const b = sharedTableVersions(file.path);
  t.after(() => {
    a.close();
    b.close();
    file.remove();
  });
  return { a, b };
}

test('a bump through one handle is what the other reads next; other tables keep their version', (t) => {
  const { a, b } = twoHandles(t);
  const before = b.current(['articles', 'users']);
  a.bump(['articles']);
  const after = b.current(['articles', 'users']);
  assert.notEqual(after[0], before[0]);
  assert.equal(after[1], before[1]);
  assert.deepEqual(a.current(['articles', 'users']), after);
});

test('no bump ever brings back a version seen before', (t) => {
  const { a, b } = twoHandles(t);
  const seen = new Set(a.current(['articles']));
  for (let i = 0; i < 5_000; i++) {
    (i % 2 ? a : b).bump(['articles']);
    const [v] = a.current(['articles']);
    assert.ok(!seen.has(v as string), `version ${v} came back after ${i} bumps`);
    seen.add(v as string);
  }
});

test("a write through one cache makes the other's entry stale before the write is acknowledged", async (t) => {
  const file = createSharedVersionsFile();
  t.after(() => file.remove());
  const writer = createQueryCache({ beta: 0, sharedVersionsPath: file.path });
  const reader = createQueryCache({ beta: 0, sharedVersionsPath: file.path });
  t.after(async () => {
    await writer.close();
    await reader.close();
  });
  const opts = { tables: ['articles', 'users'], ttlMs: 60_000 };
  const source = { value: 'v1', calls: 0 };
  const loader = async () => {
    source.calls++;
    return source.value;
  };
  assert.equal(await reader.read('k', opts, loader), 'v1');
  assert.equal(await reader.read('k', opts, loader), 'v1');
  assert.equal(source.calls, 1, 'the second read was a hit');
  source.value = 'v2';
  assert.equal(await writer.invalidate(['users']), 'applied');
  assert.equal(await reader.read('k', opts, loader), 'v2');
  await writer.invalidate(['comments']);
  assert.equal(await reader.read('k', opts, loader), 'v2');
  assert.equal(source.calls, 2, 'a table the entry did not read leaves it cached');
});

test('the shared file is private to its owner, one page of slots, and gone once removed', () => {
  const file = createSharedVersionsFile();
  const st = statSync(file.path);
  assert.equal(st.size, SHARED_VERSIONS_BYTES);
  assert.equal(st.mode & 0o777, 0o600);
  file.remove();
  assert.equal(existsSync(file.path), false);
});
