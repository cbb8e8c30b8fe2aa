import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bulkheadDecision, createBulkheads } from './bulkheads.js';

const shares = { critical: 1, heavy: 0.5, background: 0.2 };
type K = keyof typeof shares;
const nobody = () => 0;
const waitingOnly =
  (...keys: K[]) =>
  (k: K) =>
    keys.includes(k) ? 1 : 0;

function decide(
  key: K,
  inflight: Partial<Record<K, number>>,
  waiting: (k: K) => number = nobody,
  limit = 10,
) {
  return bulkheadDecision({
    key,
    limit,
    inflight: { critical: 0, heavy: 0, background: 0, ...inflight },
    waiting,
    shares,
    borrowReserve: 0.25,
  });
}

test('a class under its share takes a slot even while others are waiting', () => {
  assert.equal(decide('heavy', { heavy: 4 }, waitingOnly('critical')), 'ok');
  assert.equal(decide('background', { background: 1 }, waitingOnly('critical', 'heavy')), 'ok');
});

test('nothing is taken once the limit is reached, whatever the class', () => {
  assert.equal(decide('critical', { critical: 5, heavy: 5 }), 'full');
  assert.equal(decide('background', { heavy: 10 }), 'full');
});

test('a class at its share waits while another class is waiting', () => {
  assert.equal(decide('heavy', { heavy: 5 }, waitingOnly('critical')), 'class-full');
  assert.equal(decide('background', { background: 2 }, waitingOnly('heavy')), 'class-full');
});

test('a class at its share borrows idle slots when nobody else waits, leaving a reserve free', () => {
  // limit 10, reserve ceil(0.25 × 10) = 3: heavy may hold up to 7.
  assert.equal(decide('heavy', { heavy: 5 }), 'ok');
  assert.equal(decide('heavy', { heavy: 6 }), 'ok');
  assert.equal(decide('heavy', { heavy: 7 }), 'class-full');
});

test('critical may use every slot', () => {
  assert.equal(decide('critical', { critical: 9 }, waitingOnly('heavy')), 'ok');
  assert.equal(decide('critical', { critical: 7, heavy: 2 }, waitingOnly('heavy', 'background')), 'ok');
});

test('heavy queries saturating their share leave room for a critical one', () => {
  const heads = createBulkheads({ shares });
  const taken: string[] = [];
  for (let i = 0; i < 20; i++) taken.push(heads.tryTake('heavy', 10, nobody));
  assert.equal(taken.filter((t) => t === 'taken').length, 7);
  assert.equal(heads.tryTake('critical', 10, waitingOnly('heavy')), 'taken');
  assert.equal(heads.inflight('heavy'), 7);
  assert.equal(heads.total, 8);
});

test('with a small limit, a share that rounds to zero slots only borrows from an idle pool', () => {
  assert.equal(decide('background', {}, nobody, 2), 'ok');
  assert.equal(decide('background', { critical: 1 }, nobody, 2), 'class-full');
});

test('released slots are counted back, and releasing a slot never taken is a bug', () => {
  const heads = createBulkheads({ shares });
  assert.equal(heads.tryTake('critical', 2, nobody), 'taken');
  heads.release('critical');
  assert.equal(heads.total, 0);
  assert.throws(() => heads.release('heavy'));
});
