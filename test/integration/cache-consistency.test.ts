import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createQueryCache } from '../../src/data/cache/index.js';
import { createDb } from '../../src/data/index.js';
import type { WorkerReply, WorkerRequest } from '../support/cache-worker.js';
import { EXTERNAL_REDIS_URL, redisReachable, skipOrFail } from '../support/services.js';
import { startTestDatabase, type TestDatabase } from '../support/stack.js';

const REDIS_URL = EXTERNAL_REDIS_URL;
const PREFIX = `bulwark:test:${randomUUID()}:`;
const ROUNDS = 200;
const CONCURRENT_WRITES = 300;

let database: TestDatabase;

before(async () => {
  database = await startTestDatabase();
  const client = new pg.Client(database.url);
  await client.connect();
  await client.query('CREATE TABLE cache_probe (id int PRIMARY KEY, value bigint NOT NULL)');
  await client.query('INSERT INTO cache_probe VALUES (1, 0)');
  await client.end();
});

after(async () => {
  await database?.stop();
});

async function deletePrefix(): Promise<void> {
  const client = new Redis(REDIS_URL);
  for await (const keys of client.scanStream({ match: `${PREFIX}*`, count: 500 })) {
    if ((keys as string[]).length > 0) await client.del(...(keys as string[]));
  }
  client.disconnect();
}

/** A cache-worker.ts child process with request/reply over IPC. */
type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

async function startWorker(): Promise<{
  call(req: Request): Promise<WorkerReply>;
  child: ChildProcess;
}> {
  const child = fork('test/support/cache-worker.ts', [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: database.url, REDIS_URL, CACHE_PREFIX: PREFIX },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (r: WorkerReply) => void>();
  let nextId = 1;
  const ready = new Promise<WorkerReply>((resolve) => {
    child.on('message', (reply: WorkerReply) => {
      if (reply.op === 'ready') return resolve(reply);
      waiting.get(reply.id)?.(reply);
      waiting.delete(reply.id);
    });
  });
  const readyReply = await ready;
  assert.deepEqual(readyReply, { op: 'ready', redis: true });
  return {
    child,
    call(req) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        child.send({ ...req, id });
      });
    },
  };
}

const readValue = (reply: WorkerReply) => {
  assert.equal(reply.op, 'read', JSON.stringify(reply));
  return (reply as { value: number }).value;
};

test('two processes sharing the Redis cache never read a value older than the last acknowledged write', async (t) => {
  if (!(await redisReachable())) return skipOrFail(t, `Redis is not reachable at ${REDIS_URL}`);
  const writer = await startWorker();
  const reader = await startWorker();
  try {
    let acked = 0;
    let stale = 0;
    let reads = 0;
    let deferred = 0;
    // Lockstep rounds: the reader's entry is cached (second read is a hit), then the other process
    // writes, then the reader must see the write at once.
    for (let i = 1; i <= ROUNDS; i++) {
      for (const p of [reader, reader, writer]) {
        reads++;
        if (readValue(await p.call({ op: 'read' })) < acked) stale++;
      }
      const wrote = (await writer.call({ op: 'write', value: i })) as { outcome?: string };
      assert.equal(wrote.outcome, 'applied');
      acked = i;
      reads++;
      if (readValue(await reader.call({ op: 'read' })) !== acked) stale++;
    }
    // Free-running: the writer writes as fast as it can while both processes read back to back; a
    // read may return any value acknowledged before it was sent, or a newer one, never an older one.
    const writes = (async () => {
      for (let i = ROUNDS + 1; i <= ROUNDS + CONCURRENT_WRITES; i++) {
        const reply = await writer.call({ op: 'write', value: i });
        if ((reply as { outcome?: string }).outcome !== 'applied') deferred++;
        acked = i;
      }
    })();
    let writing = true;
    const readLoop = async (p: typeof reader) => {
      while (writing) {
        const floor = acked;
        reads++;
        if (readValue(await p.call({ op: 'read' })) < floor) stale++;
      }
    };
    const loops = [readLoop(reader), readLoop(reader), readLoop(writer)];
    await writes;
    writing = false;
    await Promise.all(loops);
    assert.equal(readValue(await reader.call({ op: 'read' })), ROUNDS + CONCURRENT_WRITES);

    const stats = (await reader.call({ op: 'stats' })) as { stats: { hits: number; bypasses: number } };
    t.diagnostic(`reads ${reads}, reader stats ${JSON.stringify(stats.stats)}`);
    assert.equal(deferred, 0, 'every invalidation reached Redis before the write was acknowledged');
    assert.equal(stale, 0);
    assert.ok(stats.stats.hits >= ROUNDS, `the reader's cache was used: ${stats.stats.hits} hits`);
  } finally {
    await Promise.all([writer.call({ op: 'close' }), reader.call({ op: 'close' })]).catch(() => {});
    writer.child.kill();
    reader.child.kill();
    await deletePrefix();
  }
});

test('in one process with the in-process cache every read sees the writes acknowledged before it', async (t) => {
  const db = createDb({ url: database.url, max: 4, statementTimeoutMs: 5_000 });
  const cache = createQueryCache();
  const options = { tables: ['cache_probe'], ttlMs: 60_000 };
  const read = () =>
    cache.read('probe:1', options, async () =>
      Number(
        (await db.query<{ value: string }>('SELECT value FROM cache_probe WHERE id = 1')).rows[0]?.value,
      ),
    );
  const write = async (value: number) => {
    await db.transaction((tx) => tx.query('UPDATE cache_probe SET value = $1 WHERE id = 1', [value]));
    await cache.invalidate(['cache_probe']);
  };
  try {
    await write(0);
    let acked = 0;
    let stale = 0;
    for (let i = 1; i <= ROUNDS; i++) {
      await read();
      if ((await read()) !== acked) stale++;
      await write(i);
      acked = i;
      if ((await read()) !== acked) stale++;
    }
    let writing = true;
    const writes = (async () => {
      for (let i = ROUNDS + 1; i <= ROUNDS + CONCURRENT_WRITES; i++) {
        await write(i);
        acked = i;
      }
      writing = false;
    })();
    const readLoop = async () => {
      while (writing) {
        const floor = acked;
        if ((await read()) < floor) stale++;
        // A hit resolves without I/O; without this the loop would starve the writer's queries.
        await new Promise((r) => setImmediate(r));
      }
    };
    await Promise.all([writes, readLoop(), readLoop(), readLoop()]);
    t.diagnostic(JSON.stringify(cache.stats()));
    assert.equal(stale, 0);
    assert.equal(await read(), ROUNDS + CONCURRENT_WRITES);
    assert.ok(cache.stats().hits >= ROUNDS);
  } finally {
    await cache.close();
    await db.close();
  }
});
