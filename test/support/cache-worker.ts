/**
 * One process of the cache consistency test: it reads `cache_probe` through a Redis-backed cache
 * and writes it (UPDATE, commit, invalidate) when the parent says so, over the IPC channel.
 * Env: DATABASE_URL, REDIS_URL, CACHE_PREFIX.
 */

import { createQueryCache } from '../../src/data/cache/index.js';
import { createDb } from '../../src/data/index.js';

export type WorkerRequest =
  | { op: 'read'; id: number }
  | { op: 'write'; id: number; value: number }
  | { op: 'stats'; id: number }
  | { op: 'close'; id: number };

export type WorkerReply =
  | { op: 'ready'; redis: boolean }
  | { op: 'read'; id: number; value: number }
  | { op: 'write'; id: number; outcome: string }
  | { op: 'stats'; id: number; stats: unknown }
  | { op: 'closed'; id: number }
  | { op: 'error'; id: number; message: string };

export const PROBE_KEY = 'probe:1';
export const PROBE_READ = { tables: ['cache_probe'], ttlMs: 60_000 };

const db = createDb({ url: process.env.DATABASE_URL as string, max: 4, statementTimeoutMs: 5_000 });
const cache = createQueryCache({
  redisUrl: process.env.REDIS_URL as string,
  redisPrefix: process.env.CACHE_PREFIX as string,
});
const send = (reply: WorkerReply) => process.send?.(reply);

const loader = async () => {
  const r = await db.query<{ value: string }>('SELECT value FROM cache_probe WHERE id = 1');
  return Number(r.rows[0]?.value);
};

async function handle(req: WorkerRequest): Promise<void> {
  try {
    if (req.op === 'read') {
      send({ op: 'read', id: req.id, value: await cache.read(PROBE_KEY, PROBE_READ, loader) });
    } else if (req.op === 'write') {
      await db.transaction((tx) => tx.query('UPDATE cache_probe SET value = $1 WHERE id = 1', [req.value]));
      // After the commit, before the acknowledgement: the order the service must follow.
      const outcome = await cache.invalidate(['cache_probe']);
      send({ op: 'write', id: req.id, outcome });
    } else if (req.op === 'stats') {
      send({ op: 'stats', id: req.id, stats: cache.stats() });
    } else {
      await cache.close();
      await db.close();
      send({ op: 'closed', id: req.id });
      process.disconnect?.();
    }
  } catch (err) {
    send({ op: 'error', id: req.id, message: String(err) });
  }
}

process.on('message', (req: WorkerRequest) => void handle(req));
send({ op: 'ready', redis: await cache.ready(5_000) });
