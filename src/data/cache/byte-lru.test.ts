import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createByteLru, ENTRY_OVERHEAD_BYTES } from './byte-lru.js';

const O = ENTRY_OVERHEAD_BYTES;

test('the least recently used entry is evicted when the byte budget is exceeded', () => {
  const lru = createByteLru<string>(3 * (100 + O));
  lru.set('a', 'A', 100);
  lru.set('b', 'B', 100);
  lru.set('c', 'C', 100);
  assert.equal(lru.get('a'), 'A'); // a is now the most recent; b is the least recent
  assert.equal(lru.set('d', 'D', 100), 1);
  assert.equal(lru.get('b'), undefined);
  assert.deepEqual([lru.get('a'), lru.get('c'), lru.get('d')], ['A', 'C', 'D']);
  assert.equal(lru.size, 3);
  assert.equal(lru.bytes, 3 * (100 + O));
});

test('one large entry evicts as many small ones as it needs, oldest first', () => {
  const lru = createByteLru<number>(4 * (10 + O));
  for (let i = 0; i < 4; i++) lru.set(`k${i}`, i, 10);
  assert.equal(lru.set('big', 99, 2 * (10 + O) + 10), 3);
  assert.equal(lru.get('k0'), undefined);
  assert.equal(lru.get('k1'), undefined);
  assert.equal(lru.get('k2'), undefined);
  assert.equal(lru.get('k3'), 3);
  assert.equal(lru.get('big'), 99);
  assert.ok(lru.bytes <= 4 * (10 + O));
});

test('an entry larger than the whole budget is not stored and evicts nothing', () => {
  const lru = createByteLru<string>(200);
  lru.set('a', 'A', 10);
  assert.equal(lru.set('huge', 'H', 1_000), 0);
  assert.equal(lru.get('huge'), undefined);
  assert.equal(lru.get('a'), 'A');
  assert.equal(lru.bytes, 10 + O);
});

test('replacing a key releases the bytes of its old value', () => {
  const lru = createByteLru<string>(10_000);
  lru.set('a', 'A', 500);
  lru.set('a', 'A2', 100);
  assert.equal(lru.size, 1);
  assert.equal(lru.bytes, 100 + O);
  assert.equal(lru.delete('a'), true);
  assert.equal(lru.bytes, 0);
});
