import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { fingerprint } from '../data/index.js';
import type { DbReading } from './window-builder.js';

const ACTIVE = `
  SELECT count(*)::int AS n FROM pg_stat_activity
  WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
    AND wait_event_type IS DISTINCT FROM 'Lock' AND datname = current_database()`;

const LOCK_WAITS = `
  SELECT query, (extract(epoch FROM clock_timestamp() - query_start) * 1000)::float8 AS waited_ms
  FROM pg_stat_activity
  WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid()
  ORDER BY query_start`;

/**
 * The supervisor's own look at the database, on one connection of its own over the same path as
 * the workers: a trivial `SELECT 1` timed three times (the median is the network round trip plus
 * almost nothing), and the sessions waiting on heavyweight locks. Never throws: a failed reading
 * is `roundTripMs: null`.
 */
export function createDbProbe(options: { url: string; applicationName?: string; timeoutMs?: number }) {
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  const timeoutMs = options.timeoutMs ?? 2000;

  const connect = async (): Promise<pg.Client> => {
    if (client) return client;
    connecting ??= (async () => {
      const c = new pg.Client({
        connectionString: options.url,
        application_name: options.applicationName ?? 'bulwark-monitor',
        statement_timeout: timeoutMs,
        connectionTimeoutMillis: timeoutMs,
      });
      c.on('error', () => {
        if (client === c) client = undefined;
      });
      try {
        await c.connect();
        client = c;
        return c;
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  };

  return {
    async read(): Promise<DbReading> {
      const none: DbReading = {
        roundTripMs: null,
        active: null,
        locks: { waiting: 0, maxWaitMs: 0, blockedFingerprints: [] },
      };
      let c: pg.Client;
      try {
        c = await connect();
      } catch {
        return none;
      }
      try {
        const times: number[] = [];
        let active = 0;
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now();
          await c.query('SELECT 1');
          times.push(performance.now() - t0);
          // sampled between the round trips, so the mean covers the same moments
          active += (await c.query<{ n: number }>(ACTIVE)).rows[0]?.n ?? 0;
        }
        times.sort((a, b) => a - b);
        const { rows } = await c.query<{ query: string; waited_ms: number }>(LOCK_WAITS);
        const ids = [...new Set(rows.map((r) => fingerprint(r.query).id))];
        const first = rows[0];
        return {
          roundTripMs: times[1] ?? null,
          active: active / 3,
          locks: {
            waiting: rows.length,
            maxWaitMs: rows.reduce((m, r) => Math.max(m, Number(r.waited_ms) || 0), 0),
            blockedFingerprints: ids,
            ...(first ? { blockedQuery: fingerprint(first.query).text } : {}),
          },
        };
      } catch {
        // the connection broke or the statement timed out: reconnect next time
        if (client === c) client = undefined;
        await c.end().catch(() => {});
        return none;
      }
    },
    async close(): Promise<void> {
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}

export type DbProbe = ReturnType<typeof createDbProbe>;
