import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ActionRows } from './action-rows.js';
import { AlertRows } from './alert-rows.js';
import { IncidentRows } from './incident-rows.js';
import { migrateOps } from './ops-migrate.js';
import { DeliveryRows, PostmortemRows } from './postmortem-rows.js';
import { TimelineRows } from './timeline-rows.js';

/** The file name of the ops store inside the data directory. */
export const OPS_STORE_FILE = 'ops.sqlite';

/**
 * The ops store: one SQLite file in the data directory (better-sqlite3), independent of the
 * application database. WAL lets readers (the ops API) run beside the writer; synchronous=FULL
 * makes every commit durable before the call returns, so a write that was acknowledged survives a
 * kill -9 or a power cut (NORMAL, the usual WAL setting, can lose the last commits on power loss).
 */
export class OpsStore {
  readonly db: Database.Database;
  readonly path: string;
  readonly incidents: IncidentRows;
  readonly alerts: AlertRows;
  readonly timeline: TimelineRows;
  readonly actions: ActionRows;
  readonly postmortems: PostmortemRows;
  readonly deliveries: DeliveryRows;

  constructor(path: string) {
    this.path = path;
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    // Another process (the CLI, a second supervisor) may hold the write lock for a moment.
    this.db.pragma('busy_timeout = 5000');
    migrateOps(this.db);
    this.incidents = new IncidentRows(this.db);
    this.alerts = new AlertRows(this.db);
    this.timeline = new TimelineRows(this.db);
    this.actions = new ActionRows(this.db);
    this.postmortems = new PostmortemRows(this.db);
    this.deliveries = new DeliveryRows(this.db);
  }

  /** Runs `fn` in one IMMEDIATE transaction: all of its writes commit together or none does. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** `PRAGMA integrity_check`: 'ok' for a sound file, otherwise the problems found. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating and migrating when needed) `<dataDir>/ops.sqlite`. */
export function openOpsStore(dataDir: string): OpsStore {
  mkdirSync(dataDir, { recursive: true });
  return new OpsStore(join(dataDir, OPS_STORE_FILE));
}
