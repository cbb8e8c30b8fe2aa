/**
 * Reads of table versions, coalesced: every lookup that asks before the batch is sent shares one
 * round trip (one MGET of the union of their version keys) instead of one command each.
 *
 * Consistency is unchanged: a batch is sent only after every lookup in it has started, so a lookup
 * that begins after a write was acknowledged (its INCR already done) reads that write's version.
 * Batches close on `setImmediate`, that is after the I/O callbacks of one event-loop turn, which is
 * where concurrent requests arrive together.
 */
export type VersionFetch = (tables: readonly string[]) => Promise<(string | null)[]>;

export interface VersionBatcher {
  /** The current version of each table, in order; `null` for a version key that does not exist. */
  read(tables: readonly string[]): Promise<(string | null)[]>;
  /** Round trips sent, for tests and stats. */
  readonly batches: number;
}

interface Batch {
  tables: Map<string, number>;
  waiters: {
    tables: readonly string[];
    resolve: (v: (string | null)[]) => void;
    reject: (e: unknown) => void;
  }[];
}

export function createVersionBatcher(fetch: VersionFetch): VersionBatcher {
  let open: Batch | undefined;
  let batches = 0;

  const send = async (batch: Batch) => {
    batches++;
    const tables = [...batch.tables.keys()];
    try {
      const found = await fetch(tables);
      for (const w of batch.waiters)
        w.resolve(w.tables.map((t) => found[batch.tables.get(t) as number] ?? null));
    } catch (err) {
      for (const w of batch.waiters) w.reject(err);
    }
  };

  return {
    read(tables) {
      if (!open) {
        const batch: Batch = { tables: new Map(), waiters: [] };
        open = batch;
        setImmediate(() => {
          open = undefined;
          void send(batch);
        });
      }
      const batch = open;
      for (const t of tables) if (!batch.tables.has(t)) batch.tables.set(t, batch.tables.size);
      return new Promise((resolve, reject) => batch.waiters.push({ tables, resolve, reject }));
    },
    get batches() {
      return batches;
    },
  };
}
