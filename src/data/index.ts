export * from './cache/index.js';
export { type DatabaseServer, migrateDatabase, openDatabaseServer } from './database-server.js';
export { createDb, type Db, type DbOptions, type Queryable, translateDbError } from './db.js';
export * from './guard/index.js';
export { applyIndexProfile, type IndexProfile, SEED_MISSING_INDEXES } from './index-profile.js';
export { listMigrations, type MigrateResult, migrate } from './migrate.js';
export type { PoolStats } from './pg-pool.js';
export {
  type EmbeddedPostgresOptions,
  type RunningPostgres,
  startEmbeddedPostgres,
} from './postgres-embedded.js';
export * from './query-stats/index.js';
export {
  DEFAULT_DEMO_PASSWORD,
  type DemoSizes,
  demoUser,
  hashDemoPassword,
  isDatabaseEmpty,
  recomputeCounters,
  type SeedOptions,
  type SeedResult,
  type SeedStep,
  seedDemo,
  sizeProblems,
} from './seed/index.js';
