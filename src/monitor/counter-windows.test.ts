import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CounterDeltas, CounterWindows } from './counter-windows.js';

test('a window sums exactly the buckets that end inside it and forgets what is older than retainMs', () => {
  const w = new CounterWindows({ bucketMs: 1000, retainMs: 10_000 });
  w.add(500, { requests: 10, errors: 1, slow: 2 }); // bucket 0
  w.add(1500, { requests: 20, errors: 0, slow: 1 }); // bucket 1
  w.add(4200, { requests: 5, errors: 5, slow: 0 }); // bucket 4
  assert.deepEqual(w.sum(4200, 1000), { requests: 5, errors: 5, slow: 0 });
  assert.deepEqual(w.sum(4200, 3500), { requests: 25, errors: 5, slow: 1 });
  assert.deepEqual(w.sum(4200, 10_000), { requests: 35, errors: 6, slow: 3 });
  w.add(12_100, { requests: 1, errors: 0, slow: 0 });
  assert.deepEqual(w.sum(12_100, 60_000), { requests: 6, errors: 5, slow: 0 });
  assert.equal(w.bucketCount, 2);
});

test('cumulative worker counters become increments, and a restarted worker counts from zero', () => {
  const d = new CounterDeltas();
  assert.deepEqual(d.delta('w1', { requests: 10, errors: 1, slow: 0 }), { requests: 10, errors: 1, slow: 0 });
  assert.deepEqual(d.delta('w1', { requests: 15, errors: 1, slow: 2 }), { requests: 5, errors: 0, slow: 2 });
  assert.deepEqual(d.delta('w1', { requests: 3, errors: 0, slow: 0 }), { requests: 3, errors: 0, slow: 0 });
  d.retain(['w2']);
  assert.deepEqual(d.delta('w1', { requests: 4, errors: 0, slow: 0 }), { requests: 4, errors: 0, slow: 0 });
});
