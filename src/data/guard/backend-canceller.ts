import pg from 'pg';

/** Asks PostgreSQL to cancel whatever a backend is running; resolves true when the signal was sent. */
export type CancelBackend = (pid: number) => Promise<boolean>;

export interface BackendCanceller {
  cancel: CancelBackend;
  close(): Promise<void>;
}

interface PendingCancel {
  pid: number;
  resolve: (cancelled: boolean) => void;
}

/**
 * Cancels through `pg_cancel_backend` on one control connection of its own, opened on first use and
 * reopened after a failure. The busy connection cannot be used (it is waiting for its own query), and
 * a fresh connection per cancel would need a free connection slot exactly when the server is busiest.
 * The control connection counts against the server's connection budget: one per process.
 *
 * One statement at a time on that connection: cancels that arrive while one runs wait and then go
 * together in a single `unnest`, so a spike that cancels hundreds of queries costs a few round trips,
 * and the connection never gets a second query while one is in flight (node-postgres queues such
 * calls only as a deprecated behaviour that pg 9 removes).
 */
export function createBackendCanceller(
  url: string,
  applicationName = 'bulwark-guard-cancel',
): BackendCanceller {
  let client: Promise<pg.Client> | undefined;
  let pending: PendingCancel[] = [];
  let flushing: Promise<void> | undefined;

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

  const send = async (batch: PendingCancel[]) => {
    try {
      client ??= connect();
      const c = await client;
      const result = await c.query<{ pid: number; cancelled: boolean }>(
        'SELECT pid, pg_cancel_backend(pid) AS cancelled FROM unnest($1::int[]) AS pid',
        [batch.map((p) => p.pid)],
      );
      const sent = new Set(result.rows.filter((r) => r.cancelled).map((r) => r.pid));
      for (const p of batch) p.resolve(sent.has(p.pid));
    } catch {
      client = undefined;
      for (const p of batch) p.resolve(false);
    }
  };

  const flush = async () => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      await send(batch);
    }
    flushing = undefined;
  };

  return {
    cancel(pid) {
      return new Promise<boolean>((resolve) => {
        pending.push({ pid, resolve });
        flushing ??= flush();
      });
    },
    async close() {
      await flushing;
      const current = client;
      client = undefined;
      if (current) await current.then((c) => c.end()).catch(() => {});
    },
  };
}
