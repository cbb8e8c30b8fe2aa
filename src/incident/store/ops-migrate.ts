import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

export interface OpsMigration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** The ops store's migrations, ordered by their numeric prefix (`001_ops.sql`). */
export function listOpsMigrations(dir = MIGRATIONS_DIR): OpsMigration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(file.split('_')[0]),
        name: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

/**
 * Applies pending migrations, each in its own IMMEDIATE transaction (the write lock is taken first,
 * so two processes opening the store together serialise). As with the application database, a
 * migration changed after it was applied stops start-up instead of letting schemas drift.
 */
export function migrateOps(db: Database.Database, migrations = listOpsMigrations()): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS ops_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied: string[] = [];
  for (const m of migrations) {
    const step = db.transaction(() => {
      const previous = db.prepare('SELECT checksum FROM ops_migrations WHERE version = ?').get(m.version) as
        | { checksum: string }
        | undefined;
      if (previous) {
        if (previous.checksum !== m.checksum) {
          throw new Error(
            `ops migration ${m.name} was changed after it was applied (checksum ${previous.checksum.slice(0, 12)} in the store, ${m.checksum.slice(0, 12)} on disk); add a new migration instead`,
          );
        }
        return;
      }
      db.exec(m.sql);
      db.prepare('INSERT INTO ops_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(
        m.version,
        m.name,
        m.checksum,
        new Date().toISOString(),
      );
      applied.push(m.name);
    });
    step.immediate();
  }
  return applied;
}
