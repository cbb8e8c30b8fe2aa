import cluster from 'node:cluster';
import { pino } from 'pino';
import { buildApp, eventLoopDelayOf } from '../http/index.js';
import { serveWorkerMetrics, workerLogDestination } from '../telemetry/index.js';
import { type SupervisorMessage, WORKER_BOOT_ENV, type WorkerBoot } from './messages.js';
import { createWorkerData } from './worker-db.js';
import { installWorkerMonitor } from './worker-monitor.js';
import { installWorkerOutcomes } from './worker-outcomes.js';
import { createWorkerTelemetry } from './worker-telemetry.js';

/**
 * One HTTP worker: a Fastify server over its share of the connection budget. It stops only when
 * the supervisor says so or disappears, draining in-flight requests first.
 */
export async function runWorker(): Promise<void> {
  const raw = process.env[WORKER_BOOT_ENV];
  if (!raw) throw new Error(`${WORKER_BOOT_ENV} is missing: workers are started by the supervisor`);
  delete process.env[WORKER_BOOT_ENV];
  const boot = JSON.parse(raw) as WorkerBoot;
  const { config } = boot;
  const destination = workerLogDestination(1);
  const log = pino(
    {
      level: config.log.level,
      base: { pid: process.pid, role: 'worker' },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    destination,
  );

  // The app measures the event loop; the data layer is built first and reads it once it exists.
  let workerLagMs = () => 0;
  const telemetry = config.telemetry.enabled ? await createWorkerTelemetry(config) : undefined;
  const data = createWorkerData(config, {
    workerLagMs: () => workerLagMs(),
    databaseUrl: boot.databaseUrl,
    poolMax: boot.poolMax,
    name: `bulwark-worker-${cluster.worker?.id ?? 0}`,
    ...(boot.cacheVersionsPath ? { cacheVersionsPath: boot.cacheVersionsPath } : {}),
    logSlowQuery: (entry) => log.warn(entry, 'slow query'),
    ...(telemetry ? { observe: telemetry.data } : {}),
  });
  telemetry?.attach(data);
  const app = await buildApp({
    config,
    db: data.db,
    jwtSecret: boot.jwtSecret,
    logger: log,
    telemetry: telemetry?.http ?? { logRequests: false },
    ...(boot.moderationUrl ? { moderationUrl: boot.moderationUrl } : {}),
    ...(data.cache ? { cache: telemetry ? telemetry.timedCache(data.cache) : data.cache } : {}),
    ...(data.requestBudgetMs !== undefined ? { requestBudgetMs: data.requestBudgetMs } : {}),
    ...(data.maxEventLoopDelayMs ? { maxEventLoopDelayMs: data.maxEventLoopDelayMs } : {}),
    ...(data.refusalNow ? { refusalNow: data.refusalNow } : {}),
  });
  if (data.maxEventLoopDelayMs) workerLagMs = () => eventLoopDelayOf(app);
  installWorkerMonitor(app, config, data, telemetry);
  // Request outcomes feed the incidents' impact; with incidents off nobody reads them.
  const stopOutcomes = config.incident.enabled ? installWorkerOutcomes(app) : () => {};
  if (telemetry) serveWorkerMetrics(telemetry.metrics.registry);
  const address = await app.listen({ host: config.http.host, port: config.http.port });

  let stopping = false;
  const drain = async () => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => {
      log.warn('drain took longer than http.shutdownGraceMs; closing remaining connections');
      app.server.closeAllConnections();
    }, config.http.shutdownGraceMs);
    timer.unref();
    await app.close();
    stopOutcomes();
    await data.close();
    await telemetry?.close();
    process.exit(0); // the log destination writes its pending lines on exit
  };
  // A terminal's Ctrl-C reaches every process of the group; the supervisor orders the shutdown.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  process.on('message', (msg: SupervisorMessage) => {
    if (msg?.type === 'shutdown') void drain();
  });
  // The supervisor is gone (even by SIGKILL): do not stay behind as an orphan.
  process.on('disconnect', () => void drain());
  log.debug({ address }, 'listening');
}
