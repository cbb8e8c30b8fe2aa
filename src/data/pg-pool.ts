import pg from 'pg';

export interface PgPoolOptions {
  url: string;
  max: number;
  /** How long a checkout waits for a connection; 0 waits for ever, as pg.Pool does by default. */
  connectionTimeoutMs: number;
  applicationName?: string | undefined;
  /** Server-side statement_timeout for every connection; 0 or absent leaves the server's. */
  statementTimeoutMs?: number | undefined;
  /** Told how long each checkout held its connection (checkout to release), for telemetry. */
  onConnectionUse?: ((ms: number) => void) | undefined;
}

/** The pool's connections now: what `db.client.connection.*` reports. */
export interface PoolStats {
  max: number;
  /** Checked out. */
  used: number;
  idle: number;
  /** Callers waiting inside the pool for a connection. */
  waiting: number;
}

export function poolStatsOf(pool: pg.Pool, max: number): PoolStats {
  return { max, used: pool.totalCount - pool.idleCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

/**
 * A `pg.Pool` that survives its connections dying: a server restart, a failover or an admin kill
 * makes a client emit 'error', and an unheard 'error' crashes the process. The pool hears idle
 * clients and drops them; checked-out clients are heard here, and the statement in flight fails
 * on its own (answered 503), so the listeners only keep the process alive.
 */
export function createPgPool(options: PgPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'bulwark',
    statement_timeout: options.statementTimeoutMs || undefined,
  });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const onUse = options.onConnectionUse;
  if (onUse) {
    const since = new WeakMap<pg.PoolClient, number>();
    pool.on('acquire', (client) => since.set(client, performance.now()));
    pool.on('release', (_err, client) => {
      const t = since.get(client);
      if (t !== undefined) onUse(performance.now() - t);
    });
  }
  return pool;
}
