import cluster, { type Worker } from 'node:cluster';
import type { RequestOutcome } from './model/request-ledger.js';

const TYPE = 'bulwark:request-outcomes';

/** One batch from a worker: `[atMs, user, status, durationMs]` rows, compact on the IPC channel. */
interface OutcomeBatch {
  type: typeof TYPE;
  rows: [number, string, number, number][];
  dropped: number;
}

export interface OutcomeReporter {
  record(outcome: RequestOutcome): void;
  /** Sends what is buffered now (on shutdown). */
  flush(): void;
  stop(): void;
}

/**
 * In a worker: buffers finished requests and sends them to the supervisor once per `intervalMs`.
 * The buffer is bounded: past `maxBuffered` rows per interval the rest are counted as dropped, so
 * a flood can never grow a worker's memory or the channel without bound.
 */
export function reportOutcomes(options: { intervalMs?: number; maxBuffered?: number } = {}): OutcomeReporter {
  const max = options.maxBuffered ?? 50_000;
  let rows: OutcomeBatch['rows'] = [];
  let dropped = 0;
  const flush = () => {
    if ((rows.length === 0 && dropped === 0) || !process.send || !process.connected) return;
    const batch: OutcomeBatch = { type: TYPE, rows, dropped };
    rows = [];
    dropped = 0;
    process.send(batch, undefined, undefined, () => {});
  };
  const timer = setInterval(flush, options.intervalMs ?? 1_000);
  timer.unref();
  return {
    record(o) {
      if (rows.length >= max) dropped++;
      else rows.push([o.atMs, o.user, o.status, Math.round(o.durationMs)]);
    },
    flush,
    stop() {
      clearInterval(timer);
      flush();
    },
  };
}

/** In the supervisor: feeds every worker's batches to `sink`. Returns an unsubscribe. */
export function receiveOutcomes(
  sink: (outcome: RequestOutcome) => void,
  onDropped?: (n: number) => void,
): () => void {
  const onMessage = (_worker: Worker, m: unknown) => {
    if (typeof m !== 'object' || m === null || (m as OutcomeBatch).type !== TYPE) return;
    const batch = m as OutcomeBatch;
    if (!Array.isArray(batch.rows)) return;
    for (const [atMs, user, status, durationMs] of batch.rows) sink({ atMs, user, status, durationMs });
    if (batch.dropped > 0) onDropped?.(batch.dropped);
  };
  cluster.on('message', onMessage);
  return () => cluster.off('message', onMessage);
}
