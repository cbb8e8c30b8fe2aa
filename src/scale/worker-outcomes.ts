import type { FastifyInstance } from 'fastify';
import { reportOutcomes, userKeyOf } from '../incident/index.js';

/**
 * The worker half of the incident impact: every finished API request (when, who, status, how long)
 * goes to the supervisor in one batch per second, where the incident service counts the distinct
 * users affected over an incident's window (see userKeyOf for who counts as whom).
 * Returns a function that sends the rest and stops.
 */
export function installWorkerOutcomes(app: FastifyInstance): () => void {
  const reporter = reportOutcomes();
  app.addHook('onResponse', async (request, reply) => {
    if (!request.url.startsWith('/api')) return;
    const viewer = (request as { viewer?: { id: string } | null }).viewer;
    reporter.record({
      atMs: Date.now(),
      user: userKeyOf(viewer?.id, request.headers.authorization, request.ip),
      status: reply.statusCode,
      durationMs: reply.elapsedTime,
    });
  });
  return () => reporter.stop();
}
