import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import type { Logger } from 'pino';
import { type Config, resolveJwtSecret, resolveOpsToken } from '../config/index.js';
import { type OpsPlugin, type OpsServer, startOpsServer } from '../console/index.js';
import {
  applyIndexProfile,
  createSharedVersionsFile,
  type DatabaseServer,
  isDatabaseEmpty,
  migrateDatabase,
  openDatabaseServer,
  seedDemo,
} from '../data/index.js';
import { type ModerationProcess, startModerationProcess } from '../moderation/index.js';
import { createClusterMetrics, createSupervisorMetrics, OpsEventBus } from '../telemetry/index.js';
import { WORKER_BOOT_ENV, type WorkerBoot } from './messages.js';
import { poolSizePerWorker } from './pool-size.js';
import { RestartBudget } from './restart-budget.js';
import { createSupervisorIncidents, type SupervisorIncidents } from './supervisor-incident.js';
import { createSupervisorMonitor, type SupervisorMonitor } from './supervisor-monitor.js';
import { stopWorkers, waitUntilListening } from './worker-lifecycle.js';

export interface SupervisorHandle {
  /** Resolves when the stack has stopped: workers drained, database stopped. */
  stopped: Promise<void>;
  /** The ops server's base URL (`/metrics`, and the routes of the ops plugins). */
  opsUrl: string;
  /** The moderation service the workers call, when moderation is on. */
  moderationUrl?: string;
}

export interface SupervisorOptions {
  /** Route sets mounted on the ops server (incidents, diagnosis, chaos, …). */
  opsPlugins?: readonly OpsPlugin[];
  /** Where alerts, diagnosis changes and other ops events go (a new bus if absent). */
  bus?: OpsEventBus;
}

/** How long the workers may take to listen before start-up is declared failed. */
const WORKER_START_TIMEOUT_MS = 60_000;

/**
 * The process that owns the machine: it starts the database, migrates it, seeds it on first start,
 * forks the HTTP workers, replaces any that die, and on SIGINT/SIGTERM stops everything in order:
 * workers drain first, the database stops last. A signal during start-up stops what has started
 * (a seed in progress is rolled back with the database's fast shutdown) and start-up fails.
 */
export async function runSupervisor(
  config: Readonly<Config>,
  log: Logger,
  options: SupervisorOptions = {},
): Promise<SupervisorHandle> {
  const started = Date.now();
  let ops: OpsServer | undefined;
  let monitor: SupervisorMonitor | undefined;
  let incidents: SupervisorIncidents | undefined;
  const bus = options.bus ?? new OpsEventBus();
  let moderation: ModerationProcess | undefined;
  const closeServers = async () => {
    await ops?.close();
    await moderation?.close();
  };
  let phase: 'starting' | 'running' | 'stopping' = 'starting';
  let database: DatabaseServer | undefined;
  let interrupted: string | undefined;
  let serverFacts = { maxConnections: 100 };
  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((r) => {
    resolveStopped = r;
  });

  const onSignal = (signal: NodeJS.Signals) => {
    if (phase === 'starting') {
      interrupted = signal;
      log.warn({ signal }, 'signal during start-up: stopping');
      killAllWorkers();
      void closeServers();
      void database?.stop();
      return;
    }
    if (phase === 'stopping') {
      log.warn({ signal }, 'second signal: stopping at once');
      killAllWorkers();
      void database?.stop().finally(() => process.exit(1));
      return;
    }
    phase = 'stopping';
    log.info({ signal }, 'shutting down: draining workers');
    void (async () => {
      await monitor?.stop();
      await stopWorkers(config.http.shutdownGraceMs + 5_000);
      await closeServers();
      await incidents?.stop();
      await database?.stop();
      log.info('stopped');
      resolveStopped();
    })();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const checkInterrupted = () => {
    if (interrupted) throw new Error(`start-up interrupted by ${interrupted}`);
  };
  try {
    // First, and independent of the database: incidents are recorded while it is down.
    if (config.incident.enabled) {
      incidents = createSupervisorIncidents({ config, bus, log: log.child({ component: 'incident' }) });
    }
    database = await openDatabaseServer(config, (line) => log.debug({ postgres: line }, 'postgres'));
    checkInterrupted();
    log.info({ mode: database.mode, pid: database.pid }, 'database ready');
    const migration = await migrateDatabase(database.url);
    log.info(migration, 'migrations applied');
    checkInterrupted();
    if (config.seed.onFirstStart) await seedIfEmpty(database.url, config, log);
    checkInterrupted();
    serverFacts = await prepareForProfile(database.url, config, log);
    checkInterrupted();
    monitor = createSupervisorMonitor({
      config,
      databaseUrl: database.url,
      bus,
      log: log.child({ component: 'monitor' }),
    });
    // Before the workers: the ops port must answer while they start, and a taken port fails fast.
    const registry = createClusterMetrics({
      // Workers with telemetry off run no metrics server: asking them would only wait for the timeout.
      askWorkers: config.telemetry.enabled,
      own: createSupervisorMetrics({
        workers: () => Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead()).length,
      }),
    });
    const opsToken = resolveOpsToken(config);
    ops = await startOpsServer({
      config,
      log: log.child({ component: 'ops' }),
      registry,
      token: opsToken,
      plugins: [...(options.opsPlugins ?? []), monitor.plugin, ...(incidents ? [incidents.plugin] : [])],
    });
    log.info({ url: ops.url }, 'ops server listening');
    if (config.moderation.enabled && !config.moderation.url) {
      // The stand-in for an external API: its own process, on loopback only, its faults behind the
      // ops token.
      moderation = await startModerationProcess(
        { host: '127.0.0.1', port: config.moderation.port, opsToken },
        log,
      );
      log.info({ url: moderation.url }, 'moderation service listening');
    }
    checkInterrupted();
  } catch (err) {
    await closeServers();
    await incidents?.stop();
    await database?.stop();
    throw interrupted ? new Error(`start-up interrupted by ${interrupted}`, { cause: err }) : err;
  }

  const boot: WorkerBoot = {
    config: config as Config,
    databaseUrl: database.url,
    jwtSecret: resolveJwtSecret(config),
    poolMax: poolSizePerWorker({
      configured: config.database.poolMax,
      dbCores: availableParallelism(),
      workers: config.workers,
      maxConnections: serverFacts.maxConnections,
      reserve: config.guard.connectionReserve,
    }),
  };
  const moderationUrl = config.moderation.enabled ? config.moderation.url || moderation?.url : undefined;
  if (moderationUrl) boot.moderationUrl = moderationUrl;
  // The workers' in-process caches share their table versions, so that once one worker acknowledges
  // a write, no worker serves a result from before it; with Redis the versions live there instead.
  if (config.profile === 'hardened' && config.cache.enabled && !config.cache.redisUrl) {
    const versions = createSharedVersionsFile();
    boot.cacheVersionsPath = versions.path;
    process.once('exit', () => versions.remove());
  }
  const env = { [WORKER_BOOT_ENV]: JSON.stringify(boot) };
  const restarts = new RestartBudget({ max: 5, windowMs: 10_000 });

  const fork = (): Worker => {
    const worker = cluster.fork(env);
    worker.once('listening', () =>
      log.info({ workerPid: worker.process.pid, workerId: worker.id }, 'worker listening'),
    );
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (phase !== 'running') return;
    log.error({ workerPid: worker.process.pid, code, signal }, 'worker died; starting a replacement');
    setTimeout(() => {
      if (phase === 'running') fork();
    }, restarts.next(Date.now())).unref();
  });

  try {
    await waitUntilListening(Array.from({ length: config.workers }, fork), WORKER_START_TIMEOUT_MS);
    checkInterrupted();
  } catch (err) {
    killAllWorkers();
    await closeServers();
    await incidents?.stop();
    await database.stop();
    throw err;
  }
  phase = 'running';
  monitor.start(boot.poolMax);
  const url = `http://${config.http.host}:${config.http.port}/api`;
  log.info(
    { url, workers: config.workers, poolPerWorker: boot.poolMax, startMs: Date.now() - started },
    'bulwark is up',
  );
  return { stopped, opsUrl: ops.url, ...(moderationUrl ? { moderationUrl } : {}) };
}

/**
 * Reads the server's connection limit (the budget the pools must fit in) and puts the schema in the
 * profile's shape: the pre-incident profile drops the indexes the seed's stack lacked.
 */
async function prepareForProfile(
  url: string,
  config: Readonly<Config>,
  log: Logger,
): Promise<{ maxConnections: number }> {
  const client = new pg.Client({ connectionString: url, application_name: 'bulwark-supervisor' });
  await client.connect();
  try {
    const changed = await applyIndexProfile(client, config.profile);
    log.info({ profile: config.profile, indexes: changed }, 'profile applied');
    const { rows } = await client.query<{ max_connections: string }>('SHOW max_connections');
    return { maxConnections: Number(rows[0]?.max_connections ?? 100) };
  } finally {
    await client.end();
  }
}

function killAllWorkers(): void {
  for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
}

async function seedIfEmpty(url: string, config: Readonly<Config>, log: Logger): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'bulwark-seed' });
  // A fast shutdown during the seed ends this connection; the failure surfaces through the query.
  client.on('error', () => {});
  await client.connect();
  try {
    if (!(await isDatabaseEmpty(client))) return;
    log.info(config.seed, 'first start: loading the demo dataset');
    const t0 = Date.now();
    await seedDemo(client, config.seed);
    log.info({ ms: Date.now() - t0 }, 'demo dataset loaded');
  } finally {
    await client.end().catch(() => {});
  }
}
