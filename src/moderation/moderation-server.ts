import type { AddressInfo } from 'node:net';
import { type Static, Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Words that get content flagged. The stand-in service's rule is deliberately simple: what matters
 * to Bulwark is that it is a real network dependency with its own latency and failures.
 */
const FLAGGED_TERMS = /\b(viagra|casino|crypto-giveaway|free-money)\b/i;

const ModerateBody = Type.Object(
  { text: Type.String({ maxLength: 1_048_576 }) },
  { additionalProperties: false },
);
const FaultsBody = Type.Object(
  {
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
    errorRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Injected faults: an added delay before each answer, and a share of answers that are 503s. */
export interface ModerationFaults {
  delayMs: number;
  errorRate: number;
}

export interface ModerationServerOptions {
  host: string;
  port: number;
  /** Guards the fault endpoint (the supervisor passes the ops-token check). */
  authorize: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  random?: () => number;
}

export interface ModerationServer {
  app: FastifyInstance;
  url: string;
  faults: ModerationFaults;
  close(): Promise<void>;
}

/**
 * The moderation service the stack depends on: `POST /v1/moderate {text}` → `{decision: "accept" |
 * "flag"}`. Its latency and error rate can be set (`PUT /v1/faults`, ops token required) so tests
 * and diagnosis trials can make the dependency slow or failing on purpose. It listens on loopback.
 */
export async function startModerationServer(options: ModerationServerOptions): Promise<ModerationServer> {
  const random = options.random ?? Math.random;
  const faults: ModerationFaults = { delayMs: 0, errorRate: 0 };
  const app = Fastify({
    logger: false,
    bodyLimit: 2 * 1_048_576,
    // A number is not text: no type coercion, so a wrong type is a 422 and not a silent conversion.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
  });

  app.setErrorHandler(
    (error: { statusCode?: number; message: string; validation?: unknown }, _req, reply) => {
      const status = error.validation ? 422 : (error.statusCode ?? 500);
      return reply.status(status >= 400 && status < 600 ? status : 500).send({ error: error.message });
    },
  );

  app.post<{ Body: Static<typeof ModerateBody> }>(
    '/v1/moderate',
    { schema: { body: ModerateBody } },
    async (request, reply) => {
      if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
      if (faults.errorRate > 0 && random() < faults.errorRate)
        return reply.status(503).send({ error: 'injected failure' });
      const hit = FLAGGED_TERMS.exec(request.body.text);
      return { decision: hit ? 'flag' : 'accept', reasons: hit ? [`term: ${hit[1]?.toLowerCase()}`] : [] };
    },
  );
  app.get('/v1/faults', async () => faults);
  app.put<{ Body: Static<typeof FaultsBody> }>(
    '/v1/faults',
    { preHandler: options.authorize, schema: { body: FaultsBody } },
    async (request) => {
      if (request.body.delayMs !== undefined) faults.delayMs = request.body.delayMs;
      if (request.body.errorRate !== undefined) faults.errorRate = request.body.errorRate;
      return faults;
    },
  );
  app.get('/health', async () => ({ status: 'ok' }));

  await app.listen({ host: options.host, port: options.port });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://${options.host}:${port}`, faults, close: () => app.close() };
}
