import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickUser } from './engine.js';
import { prng } from './prng.js';

test('a user picked from a range stays in it and in the process share, and every such user gets picked', () => {
  const rand = prng(7);
  for (const count of [1, 2, 3]) {
    for (let index = 0; index < count; index++) {
      const seen = new Set<number>();
      for (let k = 0; k < 2000; k++) {
        const u = pickUser(rand, 10, 29, index, count);
        assert.ok(u !== undefined && u >= 10 && u <= 29 && u % count === index, `${u} of ${index}/${count}`);
        seen.add(u);
      }
      const expected = Array.from({ length: 20 }, (_, i) => 10 + i).filter((u) => u % count === index);
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        expected,
      );
    }
  }
});

test('a process whose share of a range is empty picks nobody', () => {
  assert.equal(
    pickUser(() => 0.5, 4, 4, 1, 2),
    undefined,
  );
  assert.equal(
    pickUser(() => 0.5, 4, 4, 0, 2),
    4,
  );
});
