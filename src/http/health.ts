import type { FastifyInstance } from 'fastify';
import type { Db } from '../data/index.js';

/** Liveness says the process answers; readiness says it can reach the database too. */
export function registerHealth(app: FastifyInstance, db: Db): void {
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_req, reply) => {
    try {
      await db.query('SELECT 1');
      return { status: 'ok', database: 'ok' };
    } catch {
      return reply
        .status(503)
        .header('retry-after', '1')
        .send({ status: 'unavailable', database: 'unreachable' });
    }
  });
}
