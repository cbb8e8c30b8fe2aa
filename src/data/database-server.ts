import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../config/index.js';
import { type MigrateResult, migrate } from './migrate.js';
import { startEmbeddedPostgres } from './postgres-embedded.js';

export interface DatabaseServer {
  url: string;
  /** 'embedded' when this process started the server and will stop it. */
  mode: 'embedded' | 'external';
  pid?: number;
  stop(): Promise<void>;
}

/**
 * The application database: the server named by `database.url`, or else an embedded PostgreSQL under
 * `<dataDir>/pg` that this process owns.
 */
export async function openDatabaseServer(
  config: Readonly<Config>,
  onLog?: (line: string) => void,
): Promise<DatabaseServer> {
  if (config.database.url) return { url: config.database.url, mode: 'external', stop: async () => {} };
  const server = await startEmbeddedPostgres({
    dir: join(config.dataDir, 'pg'),
    port: config.database.embeddedPort,
    database: 'conduit',
    // The seed's stack ran its database at the same priority as everything else.
    nice: config.profile === 'hardened' ? config.database.embeddedNice : 0,
    ...(onLog ? { onLog } : {}),
  });
  return { url: server.url, mode: 'embedded', pid: server.pid, stop: server.stop };
}

/** Applies migrations on a dedicated connection, then closes it. */
export async function migrateDatabase(url: string): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString: url, application_name: 'bulwark-migrate' });
  await client.connect();
  try {
    const result = await migrate(client);
    // pg_stat_statements gives the review and the advisor real query statistics; an external server
    // without the module still works, it only has less to tell.
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').catch(() => {});
    return result;
  } finally {
    await client.end();
  }
}
