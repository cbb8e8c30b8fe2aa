import assert from 'node:assert/strict';
import { test } from 'node:test';
import type pg from 'pg';
import type { Db, Queryable } from '../db.js';
import type { SlowQueryCandidate } from './explain-sampler.js';
import { errorCodeOf, instrumentDb, markQuerySent } from './instrument-db.js';
import { createQueryStats } from './query-stats.js';

/**
 * A Db whose statements take time on a manual clock: `waitMs` before the send (the pool), then
 * `runMs` on the server. It calls `onQuery` at the send, as createDb and createGuardedDb do.
 */
function fakeDb(clock: { t: number }, onQuery: (text: string) => void) {
  let waitMs = 0;
  let runMs = 0;
  const run = async (text: string, wait: number): Promise<pg.QueryResult> => {
    await Promise.resolve();
    clock.t += wait;
    onQuery(text);
    await Promise.resolve();
    clock.t += runMs;
    if (text.includes('boom')) throw Object.assign(new Error('division by zero'), { code: '22012' });
    return { rows: [{}, {}, {}], rowCount: 3 } as unknown as pg.QueryResult;
  };
  const db: Db & { extra(): string } = {
    query: (text) => run(text, waitMs) as never,
    async transaction(fn) {
      clock.t += waitMs; // the connection
      const tx: Queryable = { query: (text) => run(text, 0) as never };
      return fn(tx);
    },
    close: async () => {},
    extra: () => 'still reachable',
  };
  return {
    db,
    set(w: number, r: number) {
      waitMs = w;
      runMs = r;
    },
  };
}

test('execution time and pool wait are split at the send, and rows and errors are counted', async () => {
  const clock = { t: 0 };
  const stats = createQueryStats({ clock: { now: () => 0 } });
  const fake = fakeDb(clock, () => markQuerySent());
  const offered: SlowQueryCandidate[] = [];
  const db = instrumentDb(fake.db, stats, {
    clock: { monotonic: () => clock.t },
    splitPoolWait: true,
    explain: { offer: (c) => offered.push(c) },
  });
  fake.set(7, 250);
  await db.query('SELECT * FROM t WHERE a = $1', [42]);
  fake.set(0, 2);
  await assert.rejects(db.query('SELECT 1/0 AS boom'));
  const byText = Object.fromEntries(stats.snapshot().queries.map((q) => [q.text, q.total]));
  const ok = byText['select * from t where a = $1'];
  assert.equal(ok?.calls, 1);
  assert.equal(ok?.rows, 3);
  assert.equal(ok?.time.maxMs, 250);
  assert.equal(ok?.poolWait.maxMs, 7);
  const failed = byText['select ? / ? as boom'];
  assert.deepEqual(failed?.errorsByCode, { '22012': 1 });
  assert.equal(failed?.time.maxMs, 2);
  // Every statement with a known time is offered; the sampler decides which are slow.
  assert.deepEqual(
    offered.map((o) => [o.text, o.values, o.durationMs]),
    [
      ['SELECT * FROM t WHERE a = $1', [42], 250],
      ['SELECT 1/0 AS boom', undefined, 2],
    ],
  );
  assert.equal(db.extra(), 'still reachable');
});

test('a statement that never reached the server counts as an error with wait and no execution time', async () => {
  const clock = { t: 0 };
  const stats = createQueryStats({ clock: { now: () => 0 } });
  const rejecting: Db = {
    async query() {
      clock.t += 30;
      throw Object.assign(new Error('overloaded'), { code: 'DATA_ERR_OVERLOADED' });
    },
    transaction: async () => {
      throw new Error('unused');
    },
    close: async () => {},
  };
  const db = instrumentDb(rejecting, stats, { clock: { monotonic: () => clock.t }, splitPoolWait: true });
  await assert.rejects(db.query('SELECT 1'));
  const q = stats.top(1)[0]?.total;
  assert.equal(q?.calls, 1);
  assert.deepEqual(q?.errorsByCode, { DATA_ERR_OVERLOADED: 1 });
  assert.equal(q?.time.count, 0);
  assert.equal(q?.poolWait.maxMs, 30);
});

test("a transaction's statements are counted and its first carries the wait for the connection", async () => {
  const clock = { t: 0 };
  const stats = createQueryStats({ clock: { now: () => 0 } });
  const fake = fakeDb(clock, () => markQuerySent());
  const db = instrumentDb(fake.db, stats, { clock: { monotonic: () => clock.t }, splitPoolWait: true });
  fake.set(15, 1);
  await db.transaction(async (tx) => {
    await tx.query('SELECT a FROM t');
    await tx.query('SELECT b FROM t');
  });
  const byText = Object.fromEntries(stats.snapshot().queries.map((q) => [q.text, q.total]));
  assert.equal(byText['select a from t']?.poolWait.maxMs, 15);
  assert.equal(byText['select b from t']?.poolWait.maxMs, 0);
  assert.equal(byText['select b from t']?.time.maxMs, 1);
});

test('concurrent statements keep their own send marks', async () => {
  const stats = createQueryStats({ clock: { now: () => 0 } });
  let t = 0;
  const slowSend: Db = {
    async query(text) {
      // The second statement is sent first: marks must not cross.
      await new Promise((r) => setTimeout(r, text.includes('first') ? 20 : 0));
      t = text.includes('first') ? 100 : 10;
      markQuerySent();
      await new Promise((r) => setTimeout(r, 5));
      t = text.includes('first') ? 101 : 12;
      return { rows: [], rowCount: 0 } as unknown as pg.QueryResult;
    },
    transaction: async () => {
      throw new Error('unused');
    },
    close: async () => {},
  };
  const db = instrumentDb(slowSend, stats, { clock: { monotonic: () => t }, splitPoolWait: true });
  await Promise.all([db.query('SELECT first'), db.query('SELECT second')]);
  const byText = Object.fromEntries(stats.snapshot().queries.map((q) => [q.text, q.total.time.maxMs]));
  assert.deepEqual(byText, { 'select first': 1, 'select second': 2 });
});

test('without the send mark the whole call is execution time', async () => {
  const clock = { t: 0 };
  const stats = createQueryStats({ clock: { now: () => 0 } });
  const fake = fakeDb(clock, () => {});
  const db = instrumentDb(fake.db, stats, { clock: { monotonic: () => clock.t } });
  fake.set(7, 3);
  await db.query('SELECT 1');
  const q = stats.top(1)[0]?.total;
  assert.equal(q?.time.maxMs, 10);
  assert.equal(q?.poolWait.count, 0);
});

test('the error code is the SQLSTATE, from the error or its cause, else the error code', () => {
  assert.equal(errorCodeOf({ code: '42P01' }), '42P01');
  assert.equal(errorCodeOf({ code: 'DATA_ERR_QUERY_TIMEOUT', cause: { code: '57014' } }), '57014');
  assert.equal(errorCodeOf({ code: 'ECONNREFUSED' }), 'ECONNREFUSED');
  assert.equal(errorCodeOf(new TypeError('x')), 'TypeError');
});
