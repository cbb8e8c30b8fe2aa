// A generator process: forked by the coordinator, gets its job and a start time over IPC, runs the
// engine and sends back its tally. Its own process, so it never shares an event loop (or a CPU
// account) with the coordinator or with the stack it measures.
import { setPriority } from 'node:os';
import type { Pool } from 'undici';
import { type EngineJob, enginePool, openConnections, runEngine } from './engine.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

const send = (m: FromWorker) => process.send?.(m);

// A generator starved of CPU by the stack it loads sends late and measures itself; where allowed,
// it runs at a higher priority, as if on a machine of its own. Its own CPU use is small.
try {
  setPriority(-10);
} catch {
  // not permitted (an unprivileged user): late sends are still counted and reported
}
let job: EngineJob | undefined;
let pool: Pool | undefined;

process.on('message', (m: ToWorker) => {
  if (m.type === 'job') {
    job = m.job;
    pool = enginePool(job);
    // Connections opened before 'ready', so the shared start is not held up by them.
    openConnections(pool, job).then(
      () => send({ type: 'ready' }),
      (err: unknown) => {
        send({ type: 'error', message: `could not open the connections: ${(err as Error).message}` });
        process.disconnect?.();
        process.exitCode = 1;
      },
    );
    return;
  }
  if (m.type === 'start' && job) {
    runEngine(job, m.atEpochMs, (progress) => send({ type: 'progress', progress }), pool).then(
      (result) => {
        // disconnect only once the result has gone: a large result (a five-minute run's slices)
        // takes more than one write, and disconnecting at once would drop it
        process.send?.({ type: 'result', result } satisfies FromWorker, undefined, {}, () =>
          process.disconnect?.(),
        );
      },
      (err: unknown) => {
        send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        process.disconnect?.();
        process.exitCode = 1;
      },
    );
  }
});
// the parent went away: nothing left to report to
process.on('disconnect', () => {
  setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref();
});
