import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { descendants, isAlive, type SpawnedStack, spawnStack } from '../support/spawn-stack.js';

const stacks: SpawnedStack[] = [];
after(() => {
  for (const s of stacks) {
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
    rmSync(s.dataDir, { recursive: true, force: true });
  }
});

/** Waits until at least `n` other sessions are blocked on a lock. */
async function waitForLockWaiters(client: pg.Client, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    // Inside the locking transaction pg_stat_activity is a snapshot taken once: clear it each time.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
    );
    if ((rows[0] as { n: number }).n >= n) return;
    await sleep(25);
  }
  throw new Error(`fewer than ${n} requests reached the database`);
}

async function waitUntilGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && pids.some(isAlive)) await sleep(50);
  return pids.filter(isAlive);
}

test('the supervisor starts the database and the workers, replaces a dead worker, and on SIGTERM drains and leaves no process behind', async () => {
  // Two requests held inside the database: the guard always admits two queries per worker (its
  // adaptive limit never goes below two), so both are in flight however it has adapted.
  // No cache, so requests for the tags reach the database, where a lock can hold them in flight.
  const stack = await spawnStack([
    '--database.poolMax',
    '4',
    '--guard.requestBudgetMs',
    '20000',
    '--cache.enabled',
    'false',
  ]);
  stacks.push(stack);
  await stack.waitFor((l) => l.msg === 'bulwark is up');
  const database = await stack.waitFor((l) => l.msg === 'database ready');
  assert.equal(database.mode, 'embedded');
  const workerPids = stack.logs.filter((l) => l.msg === 'worker listening').map((l) => Number(l.workerPid));
  assert.equal(workerPids.length, 2);

  const ready = await fetch(`${stack.baseUrl}/health/ready`);
  assert.equal(ready.status, 200);
  const tags = await fetch(`${stack.baseUrl}/api/tags`);
  assert.equal(tags.status, 200);
  assert.equal(((await tags.json()) as { tags: string[] }).tags.length > 0, true, 'the demo data was seeded');

  // A worker that dies is replaced, and the API keeps answering.
  process.kill(workerPids[0] as number, 'SIGKILL');
  const replacement = await stack.waitFor(
    (l) => l.msg === 'worker listening' && !workerPids.includes(Number(l.workerPid)),
    20_000,
  );
  assert.ok(isAlive(Number(replacement.workerPid)));
  assert.equal((await fetch(`${stack.baseUrl}/api/tags`)).status, 200);

  const tree = descendants(stack.child.pid as number);
  assert.ok(tree.length >= 3, `expected workers and PostgreSQL under the supervisor, saw ${tree.length}`);

  // Requests in flight when SIGTERM arrives are answered, not cut. A lock held from outside keeps
  // them in flight for certain: they wait on it inside the workers while the signal arrives.
  const locker = new pg.Client(stack.databaseUrl);
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE tags IN ACCESS EXCLUSIVE MODE');
  const inFlight = Array.from({ length: 2 }, () =>
    fetch(`${stack.baseUrl}/api/tags`).then(
      (r) => r.status,
      (e: Error) => `error: ${e.message}`,
    ),
  );
  await waitForLockWaiters(locker, 2).catch(async (err: Error) => {
    await locker.query('COMMIT');
    throw new Error(`${err.message}; the requests ended with ${JSON.stringify(await Promise.all(inFlight))}`);
  });
  stack.child.kill('SIGTERM');
  await sleep(500);
  await locker.query('COMMIT');
  await locker.end();
  assert.deepEqual(await Promise.all(inFlight), [200, 200]);

  const exit = await stack.exited;
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.deepEqual(await waitUntilGone(tree, 10_000), [], 'no orphan process remains');
  assert.ok(stack.logs.some((l) => l.msg === 'stopped'));
});

test('workers exit by themselves when the supervisor is killed, and the next start reclaims the database', async () => {
  const first = await spawnStack();
  stacks.push(first);
  await first.waitFor((l) => l.msg === 'bulwark is up');
  const workers = first.logs.filter((l) => l.msg === 'worker listening').map((l) => Number(l.workerPid));
  first.child.kill('SIGKILL');
  await first.exited;
  assert.deepEqual(await waitUntilGone(workers, 15_000), [], 'workers noticed the supervisor is gone');

  // The database of the killed supervisor is still running; a new start on the same data stops it
  // and starts its own, with the data intact and no second seed.
  const second = await spawnStack(['--dataDir', first.dataDir]);
  stacks.push(second);
  await second.waitFor((l) => l.msg === 'bulwark is up');
  assert.equal(
    second.logs.some((l) => l.msg === 'first start: loading the demo dataset'),
    false,
  );
  assert.equal((await fetch(`${second.baseUrl}/api/tags`)).status, 200);
  second.child.kill('SIGINT');
  assert.deepEqual(await second.exited, { code: 0, signal: null });
});

test('a worker that cannot listen fails start-up with the reason, and the database is stopped', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const taken = (blocker.address() as AddressInfo).port;
  try {
    const stack = await spawnStack(['--http.port', String(taken)]);
    stacks.push(stack);
    const database = await stack.waitFor((l) => l.msg === 'database ready');
    const exit = await stack.exited;
    assert.equal(exit.code, 1);
    assert.match(stack.stderr(), /exited during start-up/);
    assert.match(stack.stderr(), /EADDRINUSE/, 'the worker says why it could not start');
    assert.deepEqual(await waitUntilGone([Number(database.pid)], 10_000), [], 'the database was stopped');
  } finally {
    blocker.close();
  }
});

test('a signal during the first-start seed stops the database and exits without leaving a process', async () => {
  // Large enough that the seed is still running when the signal arrives.
  const stack = await spawnStack([
    '--seed.users',
    '5000',
    '--seed.articles',
    '50000',
    '--seed.favorites',
    '200000',
  ]);
  stacks.push(stack);
  const database = await stack.waitFor((l) => l.msg === 'database ready');
  await stack.waitFor((l) => l.msg === 'first start: loading the demo dataset');
  const tree = descendants(stack.child.pid as number);
  stack.child.kill('SIGTERM');
  const exit = await stack.exited;
  assert.equal(exit.code, 1);
  assert.match(stack.stderr(), /start-up interrupted by SIGTERM/);
  assert.deepEqual(await waitUntilGone([Number(database.pid), ...tree], 10_000), []);
});
