export { type DatabaseServer, migrateDatabase, openDatabaseServer } from './database-server.js';
export { createDb, type Db, type DbOptions, type Queryable, translateDbError } from './db.js';
export { listMigrations, type MigrateResult, migrate } from './migrate.js';
export {
  type EmbeddedPostgresOptions,
  type RunningPostgres,
  startEmbeddedPostgres,
} from './postgres-embedded.js';
