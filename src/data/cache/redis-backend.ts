import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import type { CacheBackend, Lookup } from './cache-backend.js';
import { createCircuitBreaker } from './circuit-breaker.js';
import { BUMP_VERSIONS, READ_OR_INIT_VERSIONS, STORE_IF_CURRENT } from './redis-scripts.js';

export interface RedisBackendOptions {
  url: string;
  /** Prefix of every key, so several deployments (or tests) can share one Redis. */
  prefix: string;
  /** Longest a cache command may take before the read goes to the database instead. */
  commandTimeoutMs: number;
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long `invalidate` retries a bump on a connected but slow Redis before deferring it. */
  invalidateTimeoutMs: number;
  /** Pause between background probes while the circuit is open. */
  probeIntervalMs: number;
}

interface ScriptedRedis {
  bulwarkStore(numKeys: number, ...args: (string | number)[]): Promise<number>;
  bulwarkBump(numKeys: number, ...args: (string | number)[]): Promise<number>;
  bulwarkVersions(numKeys: number, ...args: (string | number)[]): Promise<(string | null)[]>;
}

// A random start far above any count of writes, below 2^53 so INCR results stay exact in JS.
const randomStart = () => String(randomInt(2 ** 40, 2 ** 47));

/**
 * Entries and table versions in Redis, shared by every process.
 *
 * Consistency: a lookup reads the entry and its tables' current versions in one MGET, and a writer
 * bumps versions (INCR) before it acknowledges the write, so a lookup that starts after the
 * acknowledgement sees the new version and rejects the old entry: no stale read, in any process,
 * without waiting for a message. (Pub/sub would be cheaper per read only with a local copy, and its
 * delivery is asynchronous, so another process could serve the old value after the acknowledgement.)
 *
 * Failure: commands fail fast (`enableOfflineQueue: false`, `commandTimeout`); failures open a
 * circuit, and while it is open every read goes to the database and a background probe retries
 * Redis. An invalidation Redis did not take is kept and replayed by the probe before the circuit
 * closes, so no entry written before that write can be served after Redis comes back.
 */
export function createRedisBackend(options: RedisBackendOptions): CacheBackend {
  const client = new Redis(options.url, {
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: Math.max(1_000, options.commandTimeoutMs),
    maxRetriesPerRequest: 0,
    // Concurrent reads share round trips: under load many MGETs travel in one write.
    enableAutoPipelining: true,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
  });
  // Without a listener an unreachable server would crash the process; failures are counted instead.
  client.on('error', () => {});
  client.defineCommand('bulwarkStore', { lua: STORE_IF_CURRENT });
  client.defineCommand('bulwarkBump', { lua: BUMP_VERSIONS });
  client.defineCommand('bulwarkVersions', { lua: READ_OR_INIT_VERSIONS });
  const scripts = client as unknown as ScriptedRedis;

  const breaker = createCircuitBreaker(options.failureThreshold);
  const pendingBumps = new Set<string>();
  let probeTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const valueKey = (key: string) => `${options.prefix}e:${key}`;
  const versionKey = (table: string) => `${options.prefix}v:${table}`;
  // Not connected (starting, reconnecting) costs nothing to detect: such reads bypass without
  // counting as failures. The circuit is for a server that is connected but does not answer.
  const usable = () => client.status === 'ready' && breaker.state === 'closed' && pendingBumps.size === 0;

  const bumpNow = (tables: readonly string[]): Promise<number> =>
    scripts.bulwarkBump(tables.length, ...tables.map(versionKey), ...tables.map(randomStart));

  const probe = async () => {
    probeTimer = undefined;
    if (closed) return;
    try {
      if (pendingBumps.size > 0) {
        const tables = [...pendingBumps];
        await bumpNow(tables);
        for (const t of tables) pendingBumps.delete(t);
      } else {
        await client.ping();
      }
      breaker.recordSuccess();
      // A write that failed while this probe was running left more to replay.
      if (pendingBumps.size > 0) scheduleProbe();
    } catch {
      scheduleProbe();
    }
  };
  const scheduleProbe = () => {
    if (closed || probeTimer) return;
    probeTimer = setTimeout(() => void probe(), options.probeIntervalMs);
    probeTimer.unref();
  };
  const failed = () => {
    if (breaker.recordFailure()) scheduleProbe();
  };

  return {
    kind: 'redis',
    async lookup(key, tables): Promise<Lookup> {
      if (!usable()) return { status: 'unavailable' };
      try {
        const [payload, ...found] = await client.mget(valueKey(key), ...tables.map(versionKey));
        let versions = found;
        if (found.some((v) => v === null)) {
          versions = await scripts.bulwarkVersions(
            tables.length,
            ...tables.map(versionKey),
            ...tables.map(randomStart),
          );
        }
        breaker.recordSuccess();
        return { status: 'ok', payload: payload ?? undefined, versions: versions.map(String) };
      } catch {
        failed();
        return { status: 'unavailable' };
      }
    },
    async store(key, payload, ttlMs, tables, versions) {
      if (!usable()) return;
      try {
        await scripts.bulwarkStore(
          tables.length + 1,
          valueKey(key),
          ...tables.map(versionKey),
          payload,
          Math.max(1, Math.round(ttlMs)),
          ...versions,
        );
      } catch {
        failed();
      }
    },
    async bump(tables) {
      if (tables.length === 0 && pendingBumps.size === 0) return true;
      // Earlier bumps that failed go first, in the same atomic script.
      const all = [...new Set([...pendingBumps, ...tables])];
      // The breaker is not asked: it may be open because reads were slow, and a write's
      // invalidation is worth a retry that a read is not. Disconnected means every process is, so
      // nobody can serve an entry, and the bump is deferred at once instead.
      const deadline = Date.now() + options.invalidateTimeoutMs;
      while (client.status === 'ready' && !closed) {
        try {
          await bumpNow(all);
          for (const t of all) pendingBumps.delete(t);
          return true;
        } catch {
          // Redis may or may not have applied it; bumping twice is harmless, missing one is not.
        }
        if (Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const t of all) pendingBumps.add(t);
      breaker.forceOpen();
      scheduleProbe();
      return false;
    },
    usage: () => ({ bytes: 0, entries: 0, evictions: 0, circuit: usable() ? 'closed' : 'open' }),
    async ready(timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (!usable() && !closed && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      return usable();
    },
    async close() {
      closed = true;
      if (probeTimer) clearTimeout(probeTimer);
      client.disconnect();
    },
  };
}
