import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import pg from 'pg';
import { type Config, loadConfig } from '../../src/config/index.js';
import {
  createDb,
  createQueryCache,
  type Db,
  migrate,
  type QueryCache,
  startEmbeddedPostgres,
} from '../../src/data/index.js';
import { buildApp } from '../../src/http/index.js';
import { createWorkerData, createWorkerTelemetry, type WorkerTelemetry } from '../../src/scale/index.js';

/** A port that was free a moment ago on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TestDatabase {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * A temporary directory that the embedded PostgreSQL can enter: as root it runs as the `postgres`
 * user, and mkdtemp makes directories only their owner may enter.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o711);
  return dir;
}

/** A real, empty, migrated PostgreSQL in a temporary directory; removed on stop. */
export async function startTestDatabase(): Promise<TestDatabase> {
  const dir = tempDir('bulwark-test-');
  const pgServer = await startEmbeddedPostgres({
    dir: join(dir, 'pg'),
    port: await freePort(),
    database: 'conduit',
  });
  const client = new pg.Client(pgServer.url);
  await client.connect();
  try {
    await migrate(client);
  } finally {
    await client.end();
  }
  return {
    url: pgServer.url,
    dir,
    async stop() {
      await pgServer.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Test configuration: defaults with overrides, validated like the real thing. */
export function testConfig(flags: Record<string, string> = {}): Readonly<Config> {
  const result = loadConfig({ env: {}, flags: { 'log.level': 'silent', ...flags }, file: undefined });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  baseUrl: string;
  queries: { text: string; values: readonly unknown[] | undefined }[];
  /** The query cache the service reads through; undefined when the app runs without one. */
  cache: QueryCache | undefined;
  /** The worker's telemetry (metrics, tracing), with `production` only. */
  telemetry?: WorkerTelemetry;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /**
   * Run the data layer exactly as a worker of the hardened profile does (guard, query statistics,
   * cache, request deadlines), instead of a plain pool.
   */
  production?: boolean;
  /** `true`: a fresh in-process cache, closed with the app; a cache: that one (its owner closes it). */
  cache?: boolean | QueryCache;
  /** With `production`: the request log lines go here (pino), as a worker's do. */
  logger?: FastifyBaseLogger;
  /** With `production`: the moderation service new articles and comments are checked with. */
  moderationUrl?: string;
}

/**
 * The API in this process on a random port, over `url`; `queries` records every statement sent.
 * Without a cache by default, as before; `{ cache: true }` runs it as production does.
 */
export async function startTestApp(
  url: string,
  flags: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const config = testConfig(flags);
  const queries: TestApp['queries'] = [];
  const record = (text: string, values: readonly unknown[] | undefined) => queries.push({ text, values });
  if (options.production) {
    // Exactly as a worker wires it: metrics, request timing, tracing when OTLP is configured.
    const telemetry = await createWorkerTelemetry(config);
    const data = createWorkerData(config, {
      databaseUrl: url,
      poolMax: 5,
      name: 'bulwark-test',
      onQuery: record,
      observe: telemetry.data,
    });
    telemetry.attach(data);
    const app = await buildApp({
      config,
      db: data.db,
      jwtSecret: 'test-secret-not-for-production',
      telemetry: telemetry.http,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.moderationUrl ? { moderationUrl: options.moderationUrl } : {}),
      ...(data.cache ? { cache: telemetry.timedCache(data.cache) } : {}),
      ...(data.requestBudgetMs !== undefined ? { requestBudgetMs: data.requestBudgetMs } : {}),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    return {
      app,
      db: data.db,
      baseUrl: `http://127.0.0.1:${port}`,
      queries,
      cache: data.cache,
      telemetry,
      async close() {
        await app.close();
        await data.close();
        await telemetry.close();
      },
    };
  }
  const db = createDb({ url, max: 5, statementTimeoutMs: 5000, onQuery: record });
  const ownCache = options.cache === true;
  const cache = options.cache === true ? createQueryCache() : options.cache || undefined;
  const app = await buildApp({
    config,
    db,
    jwtSecret: 'test-secret-not-for-production',
    ...(cache ? { cache } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return {
    app,
    db,
    baseUrl: `http://127.0.0.1:${port}`,
    queries,
    cache,
    async close() {
      await app.close();
      await db.close();
      if (ownCache) await cache?.close();
    },
  };
}
