import type pg from 'pg';
import {
  APP_TABLES,
  advanceSequences,
  COUNTED_TABLES,
  isDatabaseEmpty,
  truncateAppTables,
} from './app-tables.js';
import { createIndexes, dropSecondaryIndexes, skipForeignKeyChecks } from './bulk-load.js';
import type { SeedContext } from './context.js';
import { recomputeCounters } from './counters.js';
import { DEFAULT_DEMO_PASSWORD, hashDemoPassword } from './demo-password.js';
import { loadArticleTags } from './load-article-tags.js';
import { loadArticles } from './load-articles.js';
import { loadComments } from './load-comments.js';
import { drawFavoritePairs, loadFavorites } from './load-favorites.js';
import { loadFollows } from './load-follows.js';
import { loadTags } from './load-tags.js';
import { loadUsers } from './load-users.js';
import { type DemoSizes, sizeProblems } from './sizes.js';

export interface SeedOptions {
  /** Empty every application table first; without it a database that has users is left alone. */
  replace?: boolean;
  /** The password all demo users share (demo only). Default `conduit-demo`. */
  password?: string;
  /** A ready hash in the login's scrypt format, used instead of hashing `password`. */
  passwordHash?: string;
  /** The dataset's "now"; default today's midnight UTC, so runs on the same day are identical. */
  anchor?: Date;
  /** Called after each step with its name, rows and milliseconds. */
  onStep?: (step: SeedStep) => void;
}

export interface SeedStep {
  step: string;
  rows: number;
  ms: number;
}

export type SeedResult =
  | { ok: true; steps: SeedStep[]; totalMs: number }
  | { ok: false; reason: 'not-empty'; message: string };

// Two processes seeding one database (two supervisors starting together) serialise here.
const SEED_LOCK_KEY = 0x73_6565_6465_6d; // "seedem"

/**
 * Loads the deterministic demo dataset: the same sizes (and anchor) give the same rows, ids and
 * timestamps. One transaction, so a failure leaves the database as it was. The counting triggers
 * are off during the load and the counters recomputed once afterwards; ANALYZE runs after commit.
 * `client` must not be inside a transaction.
 *
 * @example await seedDemo(client, { users: 500, articles: 5000, follows: 5000, favorites: 20000, comments: 10000, tags: 100 })
 */
export async function seedDemo(
  client: pg.ClientBase,
  sizes: DemoSizes,
  options: SeedOptions = {},
): Promise<SeedResult> {
  const problems = sizeProblems(sizes);
  if (problems.length > 0) throw new Error(`invalid demo sizes:\n  - ${problems.join('\n  - ')}`);
  const started = performance.now();
  const steps: SeedStep[] = [];
  const timed = async (step: string, run: () => Promise<number>) => {
    const t0 = performance.now();
    const rows = await run();
    const done = { step, rows, ms: Math.round(performance.now() - t0) };
    steps.push(done);
    options.onStep?.(done);
  };

  const passwordHash =
    options.passwordHash ?? (await hashDemoPassword(options.password ?? DEFAULT_DEMO_PASSWORD));
  const ctx: SeedContext = { client, sizes, anchor: options.anchor ?? todayUtc(), passwordHash };

  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    // Sorts and hash aggregates over a million draws stay in memory; the commit need not wait for
    // the WAL flush, a crash mid-seed loses only the seed, which is then run again.
    await client.query("SET LOCAL work_mem = '256MB'");
    await client.query("SET LOCAL maintenance_work_mem = '512MB'");
    await client.query('SET LOCAL synchronous_commit = off');
    // Day arithmetic on timestamptz follows the session's DST rules; UTC keeps the data identical
    // whatever time zone the connection has.
    await client.query("SET LOCAL TimeZone = 'UTC'");
    if (!(await isDatabaseEmpty(client))) {
      if (!options.replace) {
        await client.query('ROLLBACK');
        return {
          ok: false,
          reason: 'not-empty',
          message: 'the database already has users; replace them with --force',
        };
      }
      await timed('truncate', async () => {
        await truncateAppTables(client);
        return 0;
      });
    }
    for (const table of COUNTED_TABLES) await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await skipForeignKeyChecks(client);
    const indexes = await dropSecondaryIndexes(client, APP_TABLES);
    await timed('users', () => loadUsers(ctx));
    await timed('tags', () => loadTags(ctx));
    await timed('favorite pairs', () => drawFavoritePairs(ctx));
    await timed('articles', () => loadArticles(ctx));
    await timed('article_tags', () => loadArticleTags(ctx));
    await timed('follows', () => loadFollows(ctx));
    await timed('favorites', () => loadFavorites(ctx));
    await timed('comments', () => loadComments(ctx));
    await timed('counters', async () => {
      await recomputeCounters(client);
      return 0;
    });
    await timed('indexes', async () => {
      await createIndexes(client, indexes);
      return indexes.length;
    });
    for (const table of COUNTED_TABLES) await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    await advanceSequences(client);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
  // VACUUM cannot run inside a transaction. It also marks the pages all-visible, so index-only
  // scans work at once, as they would on a database that had aged into this state.
  await timed('vacuum analyze', async () => {
    await client.query('VACUUM (ANALYZE) users, follows, articles, tags, article_tags, favorites, comments');
    return 0;
  });
  return { ok: true, steps, totalMs: Math.round(performance.now() - started) };
}

function todayUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
