import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModerationReady, ModerationStart } from './moderation-process.js';
import { startModerationServer } from './moderation-server.js';

/**
 * The body of the moderation process: waits for its start message, serves, and stops when the
 * supervisor disconnects or is gone, so it never outlives the stack.
 */
export async function runModerationChild(
  authorizeWith: (token: string) => (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
): Promise<void> {
  const send = (m: ModerationReady) => process.send?.(m);
  const start = await new Promise<ModerationStart>((resolve) => process.once('message', resolve));
  try {
    const server = await startModerationServer({
      host: start.host,
      port: start.port,
      authorize: authorizeWith(start.opsToken),
    });
    // Its life is the IPC channel's: the supervisor disconnects to stop it, and a supervisor that
    // died closes the channel too. Signals sent to the whole process group (Ctrl-C, a group kill)
    // are the supervisor's to act on, in its own order, so they are ignored here.
    process.once('disconnect', () => void server.close().finally(() => process.exit(0)));
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => {});
    send({ type: 'listening', url: server.url });
  } catch (err) {
    send({ type: 'failed', message: (err as Error).message });
    process.exit(1);
  }
}
