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

test('critical may use every slot that no waiting class without one is owed', () => {
  assert.equal(decide('critical', { critical: 9 }), 'ok');
  assert.equal(decide('critical', { critical: 8 }, waitingOnly('heavy')), 'ok');
  assert.equal(decide('critical', { critical: 6, heavy: 2 }, waitingOnly('heavy', 'background')), 'ok');
  // The last free slot is background's, which holds none; heavy holds two and is owed nothing.
  assert.equal(
    decide('critical', { critical: 7, heavy: 2 }, waitingOnly('heavy', 'background')),
    'class-full',
  );
  // Heavy holds none and waits: the last free slot is kept for it.
  assert.equal(decide('critical', { critical: 9 }, waitingOnly('heavy')), 'class-full');
  // Heavy holds one already: nothing is owed to it.
  assert.equal(decide('critical', { critical: 8, heavy: 1 }, waitingOnly('heavy')), 'ok');
  // One slot free, two classes owed one each.
  assert.equal(decide('critical', { critical: 8 }, waitingOnly('heavy', 'background')), 'class-full');
});

test('a class holding no slot takes a free one whoever else is owed', () => {
  assert.equal(decide('critical', { heavy: 5, background: 4 }, waitingOnly('heavy', 'background')), 'ok');
  assert.equal(decide('heavy', { critical: 9 }, waitingOnly('critical', 'background')), 'ok');
});

test('a critical queue that never empties leaves heavy one slot, and only one', () => {
  const heads = createBulkheads({ shares });
  const bothWait = waitingOnly('critical', 'heavy');
  // Limit 3, both lanes waiting, critical served first as the admission queue does.
  assert.equal(heads.tryTake('critical', 3, bothWait), 'taken');
  assert.equal(heads.tryTake('critical', 3, bothWait), 'taken');
  assert.equal(heads.tryTake('critical', 3, bothWait), 'class-full');
  assert.equal(heads.tryTake('heavy', 3, bothWait), 'taken');
  // A critical slot freed goes back to critical: heavy holds its one.
  heads.release('critical');
  assert.equal(heads.tryTake('critical', 3, bothWait), 'taken');
  heads.release('heavy');
  assert.equal(heads.tryTake('critical', 3, bothWait), 'class-full');
  assert.equal(heads.tryTake('heavy', 3, bothWait), 'taken');
  assert.deepEqual([heads.inflight('critical'), heads.inflight('heavy'), heads.total], [2, 1, 3]);
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
