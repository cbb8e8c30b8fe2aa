import cluster, { type Worker } from 'node:cluster';
import type { SupervisorMessage } from './messages.js';

/**
 * Resolves when every worker listens. Rejects when one exits first (it could not start: its error is
 * in the log) or when they take longer than `timeoutMs`, so a broken start fails instead of hanging.
 */
export function waitUntilListening(workers: Worker[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = workers.length;
    const timer = setTimeout(
      () =>
        reject(new Error(`${pending} of ${workers.length} workers did not listen within ${timeoutMs} ms`)),
      timeoutMs,
    );
    for (const worker of workers) {
      const onExit = (code: number | null, signal: string | null) => {
        clearTimeout(timer);
        reject(
          new Error(
            `worker ${worker.process.pid} exited during start-up (code ${code}, signal ${signal}); see its log line above`,
          ),
        );
      };
      worker.once('exit', onExit);
      worker.once('listening', () => {
        worker.off('exit', onExit);
        pending -= 1;
        if (pending === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

/** Asks every worker to drain, and kills those that outlive the grace period. */
export async function stopWorkers(graceMs: number): Promise<void> {
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
