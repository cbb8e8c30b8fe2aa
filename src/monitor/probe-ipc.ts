import cluster, { type Worker } from 'node:cluster';
import type { WorkerProbe } from './worker-probe.js';

const TYPE = 'bulwark:monitor-probe';

interface ProbeRequest {
  type: typeof TYPE;
  id: number;
}
interface ProbeReply extends ProbeRequest {
  probe: WorkerProbe;
}

const isReply = (m: unknown): m is ProbeReply =>
  typeof m === 'object' && m !== null && (m as ProbeReply).type === TYPE && 'probe' in m;

/** In a worker: answers the supervisor's probe requests with `read()`. Returns an unsubscribe. */
export function answerProbes(read: () => Promise<WorkerProbe>): () => void {
  const onMessage = (m: unknown) => {
    if (typeof m !== 'object' || m === null || (m as ProbeRequest).type !== TYPE || 'probe' in m) return;
    const id = (m as ProbeRequest).id;
    read().then(
      (probe) => process.send?.({ type: TYPE, id, probe } satisfies ProbeReply),
      () => {}, // no answer this tick: the supervisor leaves this worker out
    );
  };
  process.on('message', onMessage);
  return () => process.off('message', onMessage);
}

let nextId = 1;

/**
 * In the supervisor: asks every live worker for its probe and resolves with the answers that came
 * within `timeoutMs`. A worker too busy to answer is left out of this tick, not waited for: its
 * next answer covers both ticks, since probes are cumulative.
 */
export function collectProbes(timeoutMs: number): Promise<WorkerProbe[]> {
  const workers = Object.values(cluster.workers ?? {}).filter(
    (w): w is Worker => w?.isConnected() === true && !w.isDead(),
  );
  if (workers.length === 0) return Promise.resolve([]);
  const id = nextId++;
  return new Promise((resolve) => {
    const got = new Map<number, WorkerProbe>();
    const listeners = new Map<Worker, (m: unknown) => void>();
    const finish = () => {
      clearTimeout(timer);
      for (const [w, l] of listeners) w.off('message', l);
      resolve([...got.values()]);
    };
    const timer = setTimeout(finish, timeoutMs);
    for (const w of workers) {
      const l = (m: unknown) => {
        if (!isReply(m) || m.id !== id) return;
        got.set(w.id, m.probe);
        if (got.size === workers.length) finish();
      };
      listeners.set(w, l);
      w.on('message', l);
      try {
        w.send({ type: TYPE, id } satisfies ProbeRequest);
      } catch {
        // the worker is exiting; it is simply absent from this tick
      }
    }
  });
}
