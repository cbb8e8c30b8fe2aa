import type { RejectionReason } from './admission-queue.js';
import { QUERY_CLASSES, type QueryClass } from './request-context.js';

/** Why a running query was cancelled by the guard. */
export type CancelReason = 'deadline' | 'aborted';

/** One thing that happened, for telemetry histograms and counters. */
export type GuardEvent =
  | { readonly type: 'admitted'; readonly queryClass: QueryClass; readonly waitedMs: number }
  | {
      readonly type: 'rejected';
      readonly queryClass: QueryClass;
      readonly reason: RejectionReason;
      readonly waitedMs: number;
    }
  | {
      readonly type: 'query';
      readonly queryClass: QueryClass;
      readonly durationMs: number;
      readonly ok: boolean;
    }
  | { readonly type: 'cancelled'; readonly queryClass: QueryClass; readonly reason: CancelReason };

export interface ClassStats {
  inflight: number;
  queued: number;
  /** 'lifo' while the class's lane has a standing queue. */
  mode: 'fifo' | 'lifo';
  admitted: number;
  rejected: Record<RejectionReason, number>;
  cancelled: number;
  /** Queueing time of admitted and rejected waiters: sum and maximum, so a mean is sum / count. */
  waitCount: number;
  waitTotalMs: number;
  waitMaxMs: number;
}

/** A snapshot of the guard: what a dashboard or the autoscaler reads. */
export interface GuardStats {
  limit: number;
  poolSize: number;
  inflight: number;
  queueLength: number;
  longRttMs: number;
  shortRttMs: number;
  classes: Record<QueryClass, ClassStats>;
}

const emptyClass = (): ClassStats => ({
  inflight: 0,
  queued: 0,
  mode: 'fifo',
  admitted: 0,
  rejected: { deadline: 0, shed: 0, full: 0, aborted: 0 },
  cancelled: 0,
  waitCount: 0,
  waitTotalMs: 0,
  waitMaxMs: 0,
});

/** Counters fed by events; the live gauges (in flight, queued, limit) are filled in by the guard. */
export function createStatsRecorder() {
  const classes = Object.fromEntries(QUERY_CLASSES.map((c) => [c, emptyClass()])) as Record<
    QueryClass,
    ClassStats
  >;
  const wait = (s: ClassStats, ms: number) => {
    s.waitCount++;
    s.waitTotalMs += ms;
    s.waitMaxMs = Math.max(s.waitMaxMs, ms);
  };
  return {
    record(event: GuardEvent): void {
      const s = classes[event.queryClass];
      if (event.type === 'admitted') {
        s.admitted++;
        wait(s, event.waitedMs);
      } else if (event.type === 'rejected') {
        s.rejected[event.reason]++;
        wait(s, event.waitedMs);
      } else if (event.type === 'cancelled') {
        s.cancelled++;
      }
    },
    /** Deep copies, so a caller cannot change the counters. */
    classes(): Record<QueryClass, ClassStats> {
      return structuredClone(classes);
    },
  };
}
