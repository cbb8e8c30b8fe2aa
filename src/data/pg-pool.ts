import pg from 'pg';

export interface PgPoolOptions {
  url: string;
  max: number;
  /** How long a checkout waits for a connection; 0 waits for ever, as pg.Pool does by default. */
  connectionTimeoutMs: number;
  applicationName?: string | undefined;
  /** Server-side statement_timeout for every connection; 0 or absent leaves the server's. */
  statementTimeoutMs?: number | undefined;
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
  return pool;
}
