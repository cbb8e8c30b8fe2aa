import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import type { Logger } from 'pino';
import { type Config, resolveJwtSecret } from '../config/index.js';
import {
  type DatabaseServer,
  isDatabaseEmpty,
  migrateDatabase,
  openDatabaseServer,
  seedDemo,
} from '../data/index.js';
import { type SupervisorMessage, WORKER_BOOT_ENV, type WorkerBoot } from './messages.js';
import { poolSizePerWorker } from './pool-size.js';
import { RestartBudget } from './restart-budget.js';

export interface SupervisorHandle {
  /** Resolves when the stack has stopped: workers drained, database stopped. */
  stopped: Promise<void>;
}

/**
 * The process that owns the machine: it starts the database, migrates it, seeds it on first start,
 * forks the HTTP workers, replaces any that die, and on SIGINT/SIGTERM stops everything in order:
 * workers drain first, the database stops last.
 */
export async function runSupervisor(config: Readonly<Config>, log: Logger): Promise<SupervisorHandle> {
  const started = Date.now();
  const database = await openDatabaseServer(config, (line) => log.debug({ postgres: line }, 'postgres'));
  log.info({ mode: database.mode, pid: database.pid }, 'database ready');
  try {
    const migration = await migrateDatabase(database.url);
    log.info(migration, 'migrations applied');
    if (config.seed.onFirstStart) await seedIfEmpty(database.url, config, log);
  } catch (err) {
    await database.stop();
    throw err;
  }

  const boot: WorkerBoot = {
    config: config as Config,
    databaseUrl: database.url,
    jwtSecret: resolveJwtSecret(config),
    poolMax: poolSizePerWorker({
      configured: config.database.poolMax,
      dbCores: availableParallelism(),
      workers: config.workers,
    }),
  };
  const env = { [WORKER_BOOT_ENV]: JSON.stringify(boot) };
  const restarts = new RestartBudget({ max: 5, windowMs: 10_000 });
  let stopping = false;

  const fork = (): Worker => {
    const worker = cluster.fork(env);
    worker.once('listening', () =>
      log.info({ workerPid: worker.process.pid, workerId: worker.id }, 'worker listening'),
    );
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.error({ workerPid: worker.process.pid, code, signal }, 'worker died; starting a replacement');
    const delay = restarts.next(Date.now());
    setTimeout(() => {
      if (!stopping) fork();
    }, delay).unref();
  });

  const workers = Array.from({ length: config.workers }, fork);
  await Promise.all(workers.map((w) => new Promise<void>((r) => w.once('listening', () => r()))));
  const url = `http://${config.http.host}:${config.http.port}/api`;
  log.info(
    { url, workers: config.workers, poolPerWorker: boot.poolMax, startMs: Date.now() - started },
    'bulwark is up',
  );

  let resolveStopped: () => void;
  const stopped = new Promise<void>((r) => {
    resolveStopped = r;
  });
  const shutdown = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: stopping at once');
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      await database.stop();
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: draining workers');
    await stopWorkers(config.http.shutdownGraceMs + 5_000);
    await database.stop();
    log.info('stopped');
    resolveStopped();
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  return { stopped };
}

async function seedIfEmpty(url: string, config: Readonly<Config>, log: Logger): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'bulwark-seed' });
  await client.connect();
  try {
    if (!(await isDatabaseEmpty(client))) return;
    log.info(config.seed, 'first start: loading the demo dataset');
    const t0 = Date.now();
    await seedDemo(client, config.seed);
    log.info({ ms: Date.now() - t0 }, 'demo dataset loaded');
  } finally {
    await client.end();
  }
}

/** Asks every worker to drain, and kills those that outlive the grace period. */
async function stopWorkers(graceMs: number): Promise<void> {
  const alive = Object.values(cluster.workers ?? {}).filter(
    (w): w is Worker => w !== undefined && !w.isDead(),
  );
  await Promise.all(
    alive.map(
      (worker) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => worker.process.kill('SIGKILL'), graceMs);
          worker.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          const message: SupervisorMessage = { type: 'shutdown' };
          worker.send(message);
        }),
    ),
  );
}

export type { DatabaseServer };
