import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { createQueryCache } from '../../src/data/cache/index.js';
import { EXTERNAL_REDIS_URL, redisReachable, skipOrFail } from '../support/services.js';

const REDIS_URL = EXTERNAL_REDIS_URL;
const options = { tables: ['articles', 'users'], ttlMs: 60_000 };

test('with Redis, hot reads are served from the near copy after one versions round trip, and a write by another process makes it stale at once', async (t) => {
  if (!(await redisReachable())) return skipOrFail(t, `Redis is not reachable at ${REDIS_URL}`);
  const prefix = `bulwark:test:near:${randomUUID()}:`;
  const reader = createQueryCache({ redisUrl: REDIS_URL, redisPrefix: prefix });
  const writer = createQueryCache({ redisUrl: REDIS_URL, redisPrefix: prefix });
  const monitor = new Redis(REDIS_URL);
  try {
    assert.equal(await reader.ready(2_000), true);
    assert.equal(await writer.ready(2_000), true);
    let truth = 1;
    let loads = 0;
    const loader = async () => {
      loads++;
      return { value: truth };
    };
    assert.deepEqual(await reader.read('article:a', options, loader), { value: 1 });

    // 200 concurrent hot reads: all hits, and the entry's payload is not fetched again.
    const payloadGets: string[] = [];
    await monitor.monitor().then((m) => {
      m.on('monitor', (_time: string, args: string[]) => {
        if (args[0]?.toLowerCase() === 'mget' && args.includes(`${prefix}e:article:a`))
          payloadGets.push(args[1] ?? '');
      });
      return new Promise<void>((resolve) => setTimeout(resolve, 50)).then(async () => {
        const reads = await Promise.all(
          Array.from({ length: 200 }, () => reader.read('article:a', options, loader)),
        );
        assert.deepEqual(new Set(reads.map((r) => r.value)), new Set([1]));
        await new Promise((r) => setTimeout(r, 100));
        m.disconnect();
      });
    });
    assert.deepEqual(payloadGets, [], 'no hot read transferred the entry again');
    assert.equal(loads, 1);
    assert.equal(reader.stats().entries, 1, 'the near copy holds the entry');

    // Another process writes and acknowledges: the very next read here must not see the old value.
    truth = 2;
    assert.equal(await writer.invalidate(['articles']), 'applied');
    assert.deepEqual(await reader.read('article:a', options, loader), { value: 2 });
    assert.equal(loads, 2);
    assert.deepEqual(await reader.read('article:a', options, loader), { value: 2 });
    assert.equal(loads, 2, 'the new value is cached again');
  } finally {
    monitor.disconnect();
    await reader.close();
    await writer.close();
  }
});
