import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createGuardedDb,
  type GuardedDb,
  type GuardedDbOptions,
  type QueryClass,
  runWithRequestContext,
} from '../../src/data/guard/index.js';
import { BulwarkError } from '../../src/errors/index.js';
import { startTestDatabase, type TestDatabase } from '../support/stack.js';

let database: TestDatabase;
before(async () => {
  database = await startTestDatabase();
});
after(async () => {
  await database?.stop();
});

const open: GuardedDb[] = [];
function guard(options: Omit<GuardedDbOptions, 'url'>): GuardedDb {
  const db = createGuardedDb({ url: database.url, ...options });
  open.push(db);
  return db;
}
after(async () => {
  await Promise.all(open.map((db) => db.close()));
});

/** Runs `sql` as a request of `queryClass` with `budgetMs` left. */
function request(db: GuardedDb, sql: string, budgetMs: number, queryClass: QueryClass = 'critical') {
  return runWithRequestContext({ deadline: Date.now() + budgetMs, queryClass }, () => db.query(sql));
}

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const codeOf = (err: unknown) => (err instanceof BulwarkError ? err.code : String(err));

test('with every connection busy, a query whose deadline is 100 ms away is refused as overloaded by then and never runs', async () => {
  const sent: string[] = [];
  const db = guard({ poolSize: 2, limit: { minLimit: 2 }, onQuery: (text) => sent.push(text) });
  const sleepers = [1, 2].map(() => request(db, 'SELECT pg_sleep(1)', 5_000));
  await until(() => sent.length === 2);

  const started = Date.now();
  const error = await request(db, "SELECT 'must never run'", 100).then(
    () => undefined,
    (err: unknown) => err,
  );
  const elapsed = Date.now() - started;

  assert.equal(codeOf(error), 'DATA_ERR_OVERLOADED');
  assert.equal((error as BulwarkError).status, 503);
  assert.ok(elapsed < 100 + 100, `refused after ${elapsed} ms`);
  assert.equal(db.stats().classes.critical.rejected.deadline, 1);
  await Promise.all(sleepers);
  assert.deepEqual(sent, ['SELECT pg_sleep(1)', 'SELECT pg_sleep(1)']);
});

test('under a standing queue the newest waiter is served before the older ones, after the one let in before it stood', async () => {
  const db = guard({
    poolSize: 1,
    limit: { minLimit: 1 },
    // No shedding here: the test watches the order in which waiters are served, not who is dropped.
    queue: { targetMs: 5, intervalMs: 50, sloughMs: 10_000 },
  });
  const served: number[] = [];
  const serve = (n: number) =>
    request(db, `SELECT ${n} AS n`, 5_000).then((r) => served.push(r.rows[0]?.n as number));
  const holder = request(db, 'SELECT pg_sleep(0.6)', 5_000);
  await until(() => db.stats().inflight === 1);
  const early = serve(0);
  // Two intervals pass with a waiter and no dequeue: the queue stands when the next one arrives.
  await new Promise((resolve) => setTimeout(resolve, 150));
  const waiters = [1, 2, 3, 4].map(serve);
  await until(() => db.stats().queueLength === 5);
  assert.equal(db.stats().classes.critical.mode, 'lifo');
  await Promise.all([holder, early, ...waiters]);

  assert.deepEqual(served, [0, 4, 3, 2, 1]);
});

test('without a standing queue waiters are served in arrival order', async () => {
  const db = guard({ poolSize: 1, limit: { minLimit: 1 }, queue: { targetMs: 1_000, intervalMs: 5_000 } });
  const served: number[] = [];
  const holder = request(db, 'SELECT pg_sleep(0.2)', 5_000);
  await until(() => db.stats().inflight === 1);
  const waiters = [1, 2, 3, 4].map((n) =>
    request(db, `SELECT ${n} AS n`, 5_000).then((r) => served.push(r.rows[0]?.n as number)),
  );
  await Promise.all([holder, ...waiters]);
  assert.deepEqual(served, [1, 2, 3, 4]);
});

test('heavy queries saturating their share do not stop a critical query from running promptly', async () => {
  const db = guard({ poolSize: 4, limit: { minLimit: 4 } });
  const heavy = Array.from({ length: 12 }, () =>
    request(db, 'SELECT pg_sleep(1)', 4_000, 'heavy').catch(codeOf),
  );
  // Heavy holds its half, plus what it may borrow while the pool is otherwise idle (one slot stays free).
  await until(() => db.stats().classes.heavy.inflight === 3);

  const started = Date.now();
  const result = await request(db, 'SELECT 1 AS one', 1_000, 'critical');
  const elapsed = Date.now() - started;
  assert.equal(result.rows[0]?.one, 1);
  // Well under the 1 s a heavy slot takes to free: it did not wait for one.
  assert.ok(elapsed < 500, `the critical query took ${elapsed} ms`);
  assert.equal(db.stats().classes.heavy.inflight, 3);
  await Promise.all(heavy);
});

test('a critical burst is served ahead of queued heavy work once heavy is past its share', async () => {
  // CoDel kept out of the way: three 50 ms queries on one free slot is a standing queue by its 5 ms
  // target, and this test is about which class a freed slot goes to, not about shedding.
  const db = guard({ poolSize: 4, limit: { minLimit: 4 }, queue: { targetMs: 1_000, intervalMs: 5_000 } });
  const heavy = Array.from({ length: 8 }, () =>
    request(db, 'SELECT pg_sleep(0.3)', 4_000, 'heavy').catch(codeOf),
  );
  await until(() => db.stats().classes.heavy.inflight === 3);
  const started = Date.now();
  const critical = await Promise.all(
    [1, 2, 3].map(() =>
      request(db, 'SELECT pg_sleep(0.05)', 2_000, 'critical').then(() => Date.now() - started),
    ),
  );
  // One critical query runs at once; the others take the first slots heavy gives back (about 300 ms),
  // never waiting behind the heavy queue.
  assert.ok(Math.max(...critical) < 600, `critical queries finished after ${critical.join(', ')} ms`);
  await Promise.all(heavy);
});

test('a critical queue that never empties still lets a heavy request through at the next free slot, not at its deadline', async () => {
  // CoDel kept out of the way, as above: the critical backlog must stay queued, not be shed.
  const db = guard({ poolSize: 3, limit: { minLimit: 3 }, queue: { targetMs: 1_000, intervalMs: 5_000 } });
  // 60 critical queries of 50 ms on three slots: about a second of backlog, longer than heavy's budget.
  const critical = Array.from({ length: 60 }, () => request(db, 'SELECT pg_sleep(0.05)', 5_000, 'critical'));
  await until(() => db.stats().classes.critical.inflight === 3);
  const started = Date.now();
  const heavy = await request(db, 'SELECT 2 AS two', 500, 'heavy').catch(codeOf);
  const elapsed = Date.now() - started;
  // Served at the first slot critical gives back (about 50 ms), ahead of the rest of its backlog.
  assert.deepEqual(typeof heavy === 'string' ? heavy : heavy.rows, [{ two: 2 }]);
  assert.ok(elapsed < 250, `the heavy request waited ${elapsed} ms`);
  // The critical backlog all ran: the slot heavy was owed cost it no query.
  const done = await Promise.all(critical);
  assert.equal(done.length, 60);
  assert.ok(done.every((r) => r.rowCount === 1));
});

test('two hundred concurrent queries on a pool of two all settle by their deadlines, as results or overload errors', async () => {
  const db = guard({ poolSize: 2 });
  // Both connections open first: this is about the queue, not about how fast a busy machine connects.
  await Promise.all([
    request(db, 'SELECT pg_sleep(0.05)', 5_000),
    request(db, 'SELECT pg_sleep(0.05)', 5_000),
  ]);
  const started = Date.now();
  const outcomes = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      request(db, 'SELECT pg_sleep(0.02)', 200 + (i % 5) * 50, (['critical', 'heavy'] as const)[i % 2]).then(
        () => ({ ok: true, at: Date.now() - started }),
        (err: unknown) => ({ ok: false, code: codeOf(err), at: Date.now() - started }),
      ),
    ),
  );
  const latest = Math.max(...outcomes.map((o) => o.at));
  assert.ok(latest < 400 + 500, `the last query settled after ${latest} ms`);
  assert.ok(outcomes.some((o) => o.ok));
  const codes = new Set(outcomes.filter((o) => !o.ok).map((o) => (o as { code: string }).code));
  for (const code of codes) assert.ok(['DATA_ERR_OVERLOADED', 'DATA_ERR_CANCELLED'].includes(code), code);
  await until(() => db.stats().inflight === 0);
  assert.equal(db.stats().queueLength, 0);
});

test('queries outside any request run as critical with the default budget, and transactions commit', async () => {
  const db = guard({ poolSize: 2 });
  const result = await db.transaction(async (tx) => {
    await tx.query('CREATE TEMP TABLE guard_probe (n int) ON COMMIT DROP');
    await tx.query('INSERT INTO guard_probe VALUES ($1)', [7]);
    return tx.query<{ n: number }>('SELECT n FROM guard_probe');
  });
  assert.deepEqual(result.rows, [{ n: 7 }]);
  assert.equal(db.stats().classes.critical.admitted, 1);
  const timeout = await db.query<{ statement_timeout: string }>('SHOW statement_timeout');
  assert.equal(timeout.rows[0]?.statement_timeout, '5s');
});

test("query times measured while the worker's event loop lags leave the limit alone; the same times on a quiet loop lower it", async () => {
  const rounds = async (db: GuardedDb, sql: string, n: number) => {
    for (let i = 0; i < n; i++) {
      await Promise.all(Array.from({ length: 8 }, () => request(db, sql, 5_000)));
    }
  };
  const run = async (lagMs: number) => {
    const db = guard({ poolSize: 8, limit: { minLimit: 2 }, workerLagMs: () => lagMs });
    await rounds(db, 'SELECT 1', 5);
    await rounds(db, 'SELECT pg_sleep(0.03)', 5);
    return db.stats().limit;
  };
  assert.equal(await run(50), 8, 'samples taken under a 50 ms lag say nothing about the database');
  assert.ok((await run(0)) < 8, 'without lag, slower queries lower the limit');
});

test('while critical queries run, the heavy class gets only its budget of database time; alone it may use the database', async () => {
  const db = guard({ poolSize: 4, limit: { minLimit: 4 }, heavyTimeBudgetMsPerSecond: 200 });
  const heavyFlood = async (ms: number) => {
    let done = 0;
    const end = Date.now() + ms;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() < end) {
          try {
            await request(db, 'SELECT pg_sleep(0.1)', 1_000, 'heavy');
            done++;
          } catch (err) {
            assert.ok(err instanceof BulwarkError && err.code === 'DATA_ERR_OVERLOADED', String(err));
            await new Promise((r) => setTimeout(r, 5));
          }
        }
      }),
    );
    return done;
  };
  const alone = await heavyFlood(1_000);
  assert.ok(alone >= 15, `alone, heavy kept its slots busy (${alone} queries of 100 ms in 1 s)`);

  let criticalOk = 0;
  let stop = false;
  const critical = (async () => {
    while (!stop) {
      await request(db, 'SELECT pg_sleep(0.002)', 1_000, 'critical');
      criticalOk++;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const beside = await heavyFlood(2_000);
  stop = true;
  await critical;
  // 2 s at 200 ms per second, plus at most one second's burst and the statements in flight when
  // the bucket ran dry: far below the ~40 that the slots alone would allow.
  assert.ok(beside <= 10, `beside critical work, heavy got ${beside} queries of 100 ms in 2 s`);
  assert.ok(beside >= 2, `heavy still progressed beside critical work (${beside})`);
  assert.ok(criticalOk > 50, `critical kept running (${criticalOk})`);
});

test("while critical requests are refused (their queue stands), the heavy class's budget runs at its overloaded rate", async () => {
  /** Heavy queries of 50 ms served in 3 s beside a critical queue that stands all along. */
  const heavyBesideStandingCritical = async (overloadedRate: number) => {
    const db = guard({
      poolSize: 3,
      limit: { minLimit: 3 },
      heavyTimeBudgetMsPerSecond: 600,
      heavyTimeBudgetOverloadedMsPerSecond: overloadedRate,
    });
    const end = Date.now() + 3_000;
    let lifoSeen = 0;
    const loop = async (sql: string, queryClass: QueryClass, count: () => void) => {
      while (Date.now() < end) {
        try {
          await request(db, sql, 1_000, queryClass);
          count();
        } catch (err) {
          assert.ok(err instanceof BulwarkError && err.code === 'DATA_ERR_OVERLOADED', String(err));
          await new Promise((r) => setTimeout(r, 2));
        }
        if (db.stats().classes.critical.mode === 'lifo') lifoSeen++;
      }
    };
    let heavy = 0;
    await Promise.all([
      ...Array.from({ length: 12 }, () => loop('SELECT pg_sleep(0.02)', 'critical', () => {})),
      ...Array.from({ length: 4 }, () => loop('SELECT pg_sleep(0.05)', 'heavy', () => heavy++)),
    ]);
    assert.ok(lifoSeen > 0, 'the critical queue stood');
    return heavy;
  };
  // 3 s at 600 ms a second plus the 600 ms burst allows about 48; at 100 ms a second, about 18.
  const same = await heavyBesideStandingCritical(600);
  const yielding = await heavyBesideStandingCritical(100);
  assert.ok(same >= 30, `at the same rate heavy ran ${same} queries of 50 ms`);
  assert.ok(yielding <= 26, `at the overloaded rate heavy ran ${yielding} queries of 50 ms`);
  assert.ok(yielding >= 6, `heavy still progressed at the overloaded rate (${yielding})`);
});

test("beside critical work, a heavy request's later statement is not held back for the budget its first one spent; the next heavy request is", async () => {
  const db = guard({ poolSize: 4, limit: { minLimit: 4 }, heavyTimeBudgetMsPerSecond: 200 });
  await request(db, 'SELECT 1', 1_000, 'critical');
  const laterMs = await runWithRequestContext(
    { deadline: Date.now() + 2_000, queryClass: 'heavy' },
    async () => {
      // 300 ms against a 200 ms bucket: 100 ms in debt, half a second of refill at 200 ms a second.
      await db.query('SELECT pg_sleep(0.3)');
      const started = Date.now();
      const { rows } = await db.query('SELECT 2 AS two');
      assert.deepEqual(rows, [{ two: 2 }]);
      return Date.now() - started;
    },
  );
  assert.ok(laterMs < 100, `the request's second statement waited ${laterMs} ms`);
  await request(db, 'SELECT 1', 1_000, 'critical');
  const started = Date.now();
  const { rows } = await request(db, 'SELECT 3 AS three', 3_000, 'heavy');
  assert.deepEqual(rows, [{ three: 3 }]);
  const nextMs = Date.now() - started;
  assert.ok(nextMs >= 300, `a new heavy request waited for the refill: ${nextMs} ms`);
});

test('alternating critical and heavy requests on one connection change its statement_timeout once, not at every switch', async () => {
  const sent: string[] = [];
  let statements = 0;
  // Sequential queries reuse the one connection the pool has opened (a pool of one would give heavy,
  // at half the slots, none).
  const db = guard({
    poolSize: 2,
    limit: { minLimit: 2 },
    onQuery: (text) => sent.push(text),
    onEvent: (event) => {
      if (event.type === 'query') statements++;
    },
  });
  const seen: string[] = [];
  for (let i = 0; i < 10; i++) {
    const queryClass: QueryClass = i % 2 === 0 ? 'critical' : 'heavy';
    const { rows } = await runWithRequestContext({ deadline: Date.now() + 1_000, queryClass }, () =>
      db.query<{ statement_timeout: string }>('SHOW statement_timeout'),
    );
    seen.push(rows[0]?.statement_timeout ?? '');
  }
  // The first critical query sets 5 s; the first heavy tightens it to 2 s, which then serves both.
  assert.deepEqual(seen, ['5s', ...Array(9).fill('2s')]);
  assert.equal(sent.length, 10, 'onQuery sees only the service statements');
  assert.equal(statements, 12, 'ten statements and two SETs reached the database');
});
