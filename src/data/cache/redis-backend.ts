import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { createByteLru } from './byte-lru.js';
import type { CacheBackend, Lookup } from './cache-backend.js';
import { createCircuitBreaker } from './circuit-breaker.js';
import { decodeEntry, sameVersions } from './entry.js';
import { BUMP_VERSIONS, READ_OR_INIT_VERSIONS, STORE_IF_CURRENT } from './redis-scripts.js';
import { createVersionBatcher } from './version-batcher.js';

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
  /** Budget of the in-process copy of entries (0 turns it off); see the near copy below. */
  nearMaxBytes: number;
  /** Milliseconds since the epoch; the near copy drops entries past their expiry by it. */
  now?: () => number;
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
 * The near copy: entries this process read or stored are kept in memory too, with the versions they
 * were computed under. A lookup of such a key asks Redis for the versions only, and concurrent
 * lookups share that one round trip (see version-batcher.ts), so a hot read costs a fraction of a
 * command and no payload transfer. The guarantee is the same as without it: the copy is served only
 * when the versions read after the lookup began equal its own, so a write acknowledged anywhere
 * before the lookup makes the copy stale. Without Redis nothing is served from the copy, since its
 * freshness cannot be checked.
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

  const now = options.now ?? Date.now;
  const near = createByteLru<{ payload: string; versions: string[]; expiresAt: number }>(
    Math.max(0, options.nearMaxBytes),
  );
  let nearEvictions = 0;
  const keep = (key: string, payload: string, versions: readonly string[]) => {
    if (options.nearMaxBytes <= 0) return;
    const entry = decodeEntry(payload);
    if (!entry || !sameVersions(entry.vs, versions)) return;
    nearEvictions += near.set(
      key,
      { payload, versions: [...versions], expiresAt: entry.x },
      Buffer.byteLength(payload),
    );
  };
  const versionReads = createVersionBatcher((tables) => client.mget(...tables.map((t) => versionKey(t))));

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
        const copy = near.get(key);
        if (copy && now() < copy.expiresAt) {
          const current = await versionReads.read(tables);
          breaker.recordSuccess();
          if (sameVersions(current.map(String), copy.versions)) {
            return { status: 'ok', payload: copy.payload, versions: copy.versions };
          }
        }
        if (copy) near.delete(key);
        const [payload, ...found] = await client.mget(valueKey(key), ...tables.map(versionKey));
        let versions: (string | null)[] = found;
        if (found.some((v) => v === null)) {
          versions = await scripts.bulwarkVersions(
            tables.length,
            ...tables.map(versionKey),
            ...tables.map(randomStart),
          );
        }
        breaker.recordSuccess();
        const current = versions.map(String);
        if (payload) keep(key, payload, current);
        return { status: 'ok', payload: payload ?? undefined, versions: current };
      } catch {
        failed();
        return { status: 'unavailable' };
      }
    },
    async store(key, payload, ttlMs, tables, versions) {
      if (!usable()) return;
      try {
        const stored = await scripts.bulwarkStore(
          tables.length + 1,
          valueKey(key),
          ...tables.map(versionKey),
          payload,
          Math.max(1, Math.round(ttlMs)),
          ...versions,
        );
        if (stored === 1) keep(key, payload, versions);
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
    usage: () => ({
      bytes: near.bytes,
      entries: near.size,
      evictions: nearEvictions,
      circuit: usable() ? 'closed' : 'open',
    }),
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
