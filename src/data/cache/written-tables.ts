// `UPDATE` also appears in `ON CONFLICT DO UPDATE`, `FOR UPDATE` and `FOR NO KEY UPDATE`, which
// write no table of their own.
const WRITE =
  /(?<!\b(?:do|for|key)\s+)\b(insert\s+into|update|delete\s+from)\s+(?:only\s+)?((?:"[^"]+"|\w+)(?:\s*\.\s*(?:"[^"]+"|\w+))?)/gi;

export interface Writes {
  /** Every table the statement inserts into, updates or deletes from. */
  tables: string[];
  /** The subset it deletes from: only deletes cascade along foreign keys. */
  deletes: string[];
}

/** The tables a statement writes, read from its text. */
export function writtenTables(sql: string): Writes {
  const tables = new Set<string>();
  const deletes = new Set<string>();
  for (const m of sql.matchAll(WRITE)) {
    const qualified = (m[2] as string).replaceAll('"', '').replaceAll(/\s/g, '');
    const name = qualified.slice(qualified.lastIndexOf('.') + 1).toLowerCase();
    tables.add(name);
    if ((m[1] as string).toLowerCase().startsWith('delete')) deletes.add(name);
  }
  return { tables: [...tables], deletes: [...deletes] };
}

export interface WriteEffects {
  /** Tables that triggers change when a table is written (any insert, update or delete). */
  onWrite: Readonly<Record<string, readonly string[]>>;
  /** Tables whose rows `ON DELETE CASCADE` deletes when a table's rows are deleted. */
  onDelete: Readonly<Record<string, readonly string[]>>;
}

/**
 * The Conduit schema's hidden writes (001_conduit.sql): a cached result that read `tags` must go
 * stale when an `article_tags` insert moves `tags.article_count`, though no statement names `tags`.
 */
export const CONDUIT_WRITE_EFFECTS: WriteEffects = {
  onWrite: {
    articles: ['counters', 'users'],
    article_tags: ['tags'],
    favorites: ['articles', 'users'],
  },
  onDelete: {
    users: ['follows', 'articles', 'favorites', 'comments'],
    articles: ['article_tags', 'favorites', 'comments'],
    tags: ['article_tags'],
  },
};

/** The written tables with everything their triggers and cascades change, transitively. */
export function withWriteEffects(writes: Writes, effects: WriteEffects = CONDUIT_WRITE_EFFECTS): string[] {
  const all = new Set<string>();
  const deleted = new Set<string>();
  const visit = (t: string, isDelete: boolean) => {
    if (isDelete) {
      if (deleted.has(t)) return;
      deleted.add(t);
      for (const next of effects.onDelete[t] ?? []) visit(next, true);
    } else if (all.has(t)) {
      return;
    }
    all.add(t);
    for (const next of effects.onWrite[t] ?? []) visit(next, false);
  };
  for (const t of writes.deletes) visit(t, true);
  for (const t of writes.tables) visit(t, false);
  return [...all].sort();
}
