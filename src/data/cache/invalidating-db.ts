import type { Db, Queryable } from '../db.js';
import {
  CONDUIT_WRITE_EFFECTS,
  type WriteEffects,
  type Writes,
  withWriteEffects,
  writtenTables,
} from './written-tables.js';

/**
 * A `Db` that invalidates the cache after every write, so no handler can forget to: the tables come
 * from the statements' text (plus what their triggers and cascades change), and `invalidate` runs
 * after the commit and before the call returns, that is before the write is acknowledged. It also
 * runs when the write fails, because a failed COMMIT or a timeout may still have committed, and an
 * extra invalidation costs only a miss.
 */
export function withCacheInvalidation(
  db: Db,
  cache: { invalidate(tables: readonly string[]): Promise<unknown> },
  effects: WriteEffects = CONDUIT_WRITE_EFFECTS,
): Db {
  const invalidate = async (written: Writes) => {
    if (written.tables.length > 0) await cache.invalidate(withWriteEffects(written, effects));
  };
  return {
    async query(text, values) {
      const written = writtenTables(text);
      try {
        return await db.query(text, values);
      } finally {
        await invalidate(written);
      }
    },
    async transaction(fn) {
      const written: Writes = { tables: [], deletes: [] };
      try {
        return await db.transaction((tx) => {
          const tracked: Queryable = {
            query(text, values) {
              const w = writtenTables(text);
              written.tables.push(...w.tables);
              written.deletes.push(...w.deletes);
              return tx.query(text, values);
            },
          };
          return fn(tracked);
        });
      } finally {
        await invalidate(written);
      }
    },
    close: () => db.close(),
  };
}
