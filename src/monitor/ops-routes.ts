import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OpsEventBus } from '../telemetry/index.js';
import type { MonitorState } from './monitor-loop.js';
import { alertWebhookRoutes } from './webhook-receiver.js';

export interface MonitorRoutesOptions {
  state: () => MonitorState | null;
  bus: OpsEventBus;
  /** The ops server's token check, for the webhook that writes. */
  authorize: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;
}

/**
 * The monitor's ops routes: `GET /ops/diagnosis` (the current verdict, the window it read and the
 * baseline), `GET /ops/alerts/active`, and `POST /ops/alerts` (Alertmanager webhooks in).
 */
export function monitorRoutes(options: MonitorRoutesOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/ops/diagnosis', async (request, reply) => {
      const s = options.state();
      if (!s) {
        return reply
          .status(503)
          .header('retry-after', '5')
          .send({
            errors: { body: ['the monitor has not completed its first evaluation yet'] },
            code: 'MONITOR_ERR_WARMING_UP',
            requestId: request.id,
          });
      }
      return s;
    });
    app.get('/ops/alerts/active', async () => ({ alerts: options.state()?.alerts ?? [] }));
    await alertWebhookRoutes(app, {
      bus: options.bus,
      authorize: options.authorize,
    });
  };
}
