// The Overhead benchmark's server: the real Conduit app (`buildApp` from src/http) over one of two data
// layers, run as its own cluster of HTTP workers like `bulwark start`, against the bench stack's
// PostgreSQL. Only the data layer differs between the two sides:
//
// - guarded: `createGuardedDb` configured from the default config the way a hardened worker does it
//   (src/scale/worker-db.ts: admission queue with CoDel, adaptive limit, bulkheads, per-class
//   statement timeouts, cancellation), plus the request-deadline hook that `buildApp` installs when
//   given a request budget;
// - plain: `createDb`, a plain pg.Pool of the same size per worker, no deadline.
//
// Neither side has the query cache (it would answer reads without the database) nor the query
// statistics layer a worker adds on both profiles (its cost is not the guard's), so both sides send
// the same queries to the database and differ only in the guard.
//
// Usage: node --import tsx bench/guard-server.ts '{"mode":"plain","databaseUrl":"…","workers":2,"poolSize":3,"port":43000}'
// Prints {"event":"listening","port":N} once every worker listens.
import cluster from 'node:cluster';
import { loadConfig } from '../src/config/index.js';
import { createDb, createGuardedDb, type Db } from '../src/data/index.js';
import { buildApp } from '../src/http/index.js';
import { guardQueueOptions } from '../src/scale/index.js';

export interface GuardServerOptions {
  mode: 'plain' | 'guarded';
  databaseUrl: string;
  workers: number;
  /** Connections per worker, the same on both sides. */
  poolSize: number;
  port: number;
  jwtSecret: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as GuardServerOptions;

async function worker(): Promise<void> {
  const loaded = loadConfig({
    env: { BULWARK_CONFIG: '' },
    flags: { 'cache.enabled': 'false', 'log.level': 'silent' },
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const config = loaded.config;
  const name = `bench-${options.mode}-${cluster.worker?.id ?? 0}`;
  const { guard } = config;
  const db: Db =
    options.mode === 'guarded'
      ? createGuardedDb({
          url: options.databaseUrl,
          poolSize: options.poolSize,
          applicationName: name,
          classes: {
            critical: { statementTimeoutMs: guard.criticalStatementTimeoutMs },
            heavy: { share: guard.heavyShare, statementTimeoutMs: guard.heavyStatementTimeoutMs },
            background: { share: guard.backgroundShare },
          },
          queue: guardQueueOptions(guard),
          defaultTimeoutMs: guard.requestBudgetMs,
        })
      : createDb({
          url: options.databaseUrl,
          max: options.poolSize,
          statementTimeoutMs: guard.criticalStatementTimeoutMs,
          applicationName: name,
        });
  const app = await buildApp({
    config,
    db,
    jwtSecret: options.jwtSecret,
    ...(options.mode === 'guarded' ? { requestBudgetMs: guard.requestBudgetMs } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: options.port });
  process.on('SIGTERM', () => {
    void app
      .close()
      .then(() => db.close())
      .finally(() => process.exit(0));
  });
}

async function primary(): Promise<void> {
  let listening = 0;
  const workers = Array.from({ length: options.workers }, () => cluster.fork());
  for (const w of workers) {
    w.once('listening', () => {
      listening++;
      if (listening === options.workers) {
        process.stdout.write(`${JSON.stringify({ event: 'listening', port: options.port })}\n`);
      }
    });
  }
  cluster.on('exit', (w, code, signal) => {
    if (!stopping) {
      process.stderr.write(`bench server worker ${w.process.pid} died (code ${code}, signal ${signal})\n`);
      process.exit(1);
    }
  });
  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
    for (const w of workers) w.process.kill('SIGTERM');
    const timer = setTimeout(() => process.exit(0), 10_000);
    timer.unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  });
}

if (cluster.isPrimary) {
  void primary();
} else {
  worker().catch((err: unknown) => {
    process.stderr.write(`bench server worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
