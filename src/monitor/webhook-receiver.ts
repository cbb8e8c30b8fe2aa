import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OpsEventBus } from '../telemetry/index.js';
import { alertEvents } from './alert-events.js';
import type { WebhookPayload } from './webhook-payload.js';

const StringMap = Type.Record(Type.String(), Type.String({ maxLength: 4096 }));
const Time = Type.String({ minLength: 1, maxLength: 64 });

/** Alertmanager's webhook body, version 4 (unknown extra fields are tolerated, as Alertmanager adds some). */
export const WebhookPayloadSchema = Type.Object({
  version: Type.Literal('4'),
  groupKey: Type.String({ maxLength: 4096 }),
  truncatedAlerts: Type.Integer({ minimum: 0 }),
  status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  receiver: Type.String({ maxLength: 512 }),
  groupLabels: StringMap,
  commonLabels: StringMap,
  commonAnnotations: StringMap,
  externalURL: Type.String({ maxLength: 2048 }),
  alerts: Type.Array(
    Type.Object({
      status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
      labels: Type.Intersect([Type.Object({ alertname: Type.String({ minLength: 1 }) }), StringMap]),
      annotations: StringMap,
      startsAt: Time,
      endsAt: Time,
      generatorURL: Type.String({ maxLength: 4096 }),
      fingerprint: Type.String({ maxLength: 128 }),
    }),
    { minItems: 1, maxItems: 1000 },
  ),
});
export type IncomingWebhook = Static<typeof WebhookPayloadSchema>;

/** Every problem of a body, `path: message`, so a misconfigured sender is fixed in one go. */
export function webhookProblems(body: unknown): string[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return ['body: must be a JSON object'];
  const problems = [...Value.Errors(WebhookPayloadSchema, body)].map(
    (e) => `${e.path.replace(/^\//, '').replace(/\//g, '.') || 'body'}: ${e.message}`,
  );
  if (problems.length === 0) {
    for (const [i, a] of (body as IncomingWebhook).alerts.entries()) {
      if (Number.isNaN(Date.parse(a.startsAt)))
        problems.push(`alerts.${i}.startsAt: must be an RFC 3339 time`);
      if (Number.isNaN(Date.parse(a.endsAt))) problems.push(`alerts.${i}.endsAt: must be an RFC 3339 time`);
    }
  }
  return [...new Set(problems)].slice(0, 20);
}

export interface AlertWebhookOptions {
  bus: OpsEventBus;
  /**
   * Decides who may post: the ops server's token check. Required, so the route can never be
   * mounted open to anonymous writes.
   */
  authorize: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;
  /** Largest body accepted (256 KiB). */
  bodyLimitBytes?: number;
}

/**
 * `POST /ops/alerts`: accepts an Alertmanager webhook (for deployments where Prometheus alerts)
 * and emits its alerts as ops events, the same as Bulwark's own. Bad input is a 422 that lists
 * every problem; malformed JSON a 400; never a 500.
 */
export async function alertWebhookRoutes(app: FastifyInstance, options: AlertWebhookOptions): Promise<void> {
  await app.register((scope, _opts, done) => {
    scope.setErrorHandler((error, request, reply) => {
      const e = error as { statusCode?: number; code?: string; message: string };
      const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
      if (status === 500) request.log.error({ err: error }, 'alert webhook failed');
      const code =
        status === 413
          ? 'HTTP_ERR_BODY_TOO_LARGE'
          : status === 415
            ? 'HTTP_ERR_UNSUPPORTED_MEDIA_TYPE'
            : 'HTTP_ERR_MALFORMED_JSON';
      return reply.status(status).send({
        errors: { body: [status === 500 ? `internal error, request id ${request.id}` : e.message] },
        code: status === 500 ? 'HTTP_ERR_INTERNAL' : code,
        requestId: request.id,
      });
    });
    scope.post(
      '/ops/alerts',
      {
        bodyLimit: options.bodyLimitBytes ?? 262_144,
        preHandler: async (req, rep) => options.authorize(req, rep),
      },
      async (request, reply) => {
        const problems = webhookProblems(request.body);
        if (problems.length > 0) {
          return reply.status(422).send({
            errors: { body: problems },
            code: 'HTTP_ERR_VALIDATION',
            requestId: request.id,
          });
        }
        const events = alertEvents(request.body as WebhookPayload, 'alertmanager');
        for (const e of events) options.bus.emit(e);
        return reply.status(202).send({ accepted: events.length });
      },
    );
    done();
  });
}
