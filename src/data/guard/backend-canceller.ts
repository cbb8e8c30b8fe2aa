import pg from 'pg';

/** Asks PostgreSQL to cancel whatever a backend is running; resolves true when the signal was sent. */
export type CancelBackend = (pid: number) => Promise<boolean>;

export interface BackendCanceller {
  cancel: CancelBackend;
  close(): Promise<void>;
}

/**
 * Cancels through `pg_cancel_backend` on one control connection of its own, opened on first use and
 * reopened after a failure. The busy connection cannot be used (it is waiting for its own query), and
 * a fresh connection per cancel would need a free connection slot exactly when the server is busiest.
 * The control connection counts against the server's connection budget: one per process.
 */
export function createBackendCanceller(
  url: string,
  applicationName = 'bulwark-guard-cancel',
): BackendCanceller {
  let client: Promise<pg.Client> | undefined;

  const connect = () => {
    const c = new pg.Client({
      connectionString: url,
      application_name: applicationName,
      connectionTimeoutMillis: 2_000,
      statement_timeout: 2_000,
    });
    // A broken control connection is dropped and reopened on the next cancel, never a crash.
    c.on('error', () => {
      if (client) client = undefined;
    });
    const connecting = c.connect().then(() => c);
    connecting.catch(() => {
      client = undefined;
    });
    return connecting;
  };

  return {
    async cancel(pid) {
      client ??= connect();
      try {
        const c = await client;
        const result = await c.query<{ cancelled: boolean }>('SELECT pg_cancel_backend($1) AS cancelled', [
          pid,
        ]);
        return result.rows[0]?.cancelled === true;
      } catch {
        client = undefined;
        return false;
      }
    },
    async close() {
      const current = client;
      client = undefined;
      if (current) await current.then((c) => c.end()).catch(() => {});
    },
  };
}
