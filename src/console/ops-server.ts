import type { AddressInfo } from 'node:net';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  LogController,
} from 'fastify';
import { type Config, resolveOpsToken } from '../config/index.js';
import type { ClusterMetrics } from '../telemetry/index.js';
import { isLoopback, requireOpsToken } from './ops-token.js';

/** What every ops plugin receives as its options. */
export interface OpsPluginOptions {
  config: Readonly<Config>;
  registry: ClusterMetrics;
}

/** A route set mounted on the ops server (incidents, diagnosis, chaos, …). */
export type OpsPlugin = FastifyPluginAsync<OpsPluginOptions>;

export interface OpsServerOptions {
  config: Readonly<Config>;
  log: FastifyBaseLogger;
  /** Where `/metrics` comes from: the workers' aggregate plus the supervisor's own. */
  registry: ClusterMetrics;
  plugins?: readonly OpsPlugin[];
  /** Defaults to `ops.token`, else the token kept in `<dataDir>/ops-token`. */
  token?: string;
}

export interface OpsServer {
  app: FastifyInstance;
  /** e.g. `http://127.0.0.1:9464` */
  url: string;
  close(): Promise<void>;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * The supervisor's ops server, on its own port so operators can read and act while the API port is
 * overloaded. Reads from loopback are open; every write, and any read from off the loopback (when
 * `ops.host` is not a loopback address), needs the ops bearer token.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { config } = options;
  // Scrapes and polls would fill the log with a line each; the ops server logs its own events only.
  const app = Fastify({
    loggerInstance: options.log,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.decorate('opsToken', options.token ?? resolveOpsToken(config));
  app.addHook('onRequest', async (request, reply) => {
    if (READ_METHODS.has(request.method) && isLoopback(request.socket.remoteAddress)) return undefined;
    return requireOpsToken(request, reply);
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await options.registry.metrics();
    return reply.header('content-type', options.registry.contentType).send(text);
  });
  app.get('/health/live', async () => ({ status: 'ok' }));

  for (const plugin of options.plugins ?? []) {
    await app.register(plugin, { config, registry: options.registry });
  }
  await app.listen({ host: config.ops.host, port: config.ops.port });
  const { port } = app.server.address() as AddressInfo;
  const host = config.ops.host.includes(':') ? `[${config.ops.host}]` : config.ops.host;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}
