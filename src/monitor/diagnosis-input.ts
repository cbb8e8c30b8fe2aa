import type { PlanShape } from '../data/index.js';

/** One query fingerprint over the window. */
export interface QueryWindow {
  id: string;
  /** Normalised text (no values). */
  text: string;
  calls: number;
  /** Execution time (pool wait not included). */
  totalMs: number;
  /** Mean execution time in the window (totalMs / calls): exact from two cumulative readings. */
  meanMs: number;
  /** The latest sampled EXPLAIN, when the statement was ever slow. */
  plan: PlanShape | null;
}

/** One outbound dependency (the moderation service) over the window. */
export interface DependencyWindow {
  name: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  /** From the call-duration histogram's buckets, when there is one. */
  p99Ms: number | null;
  /** Failures, timeouts and calls skipped by an open breaker. */
  errors: number;
}

/**
 * What the diagnosis reads for one span of time: every worker's numbers summed (times, counts) or
 * averaged (utilisations), plus what the supervisor measured on the database itself.
 */
export interface DiagnosisWindow {
  durationS: number;
  requests: number;
  /** 5xx answers. */
  errors: number;
  /** Sum of request durations, as the server measured them. */
  requestMs: number;
  /** Of which: waiting for a database connection. */
  poolWaitMs: number;
  /** Statements executing (as the worker measures them: the round trip included). */
  queryMs: number;
  queryCalls: number;
  /** Inside the cache itself. */
  cacheMs: number;
  cacheHits: number;
  cacheMisses: number;
  /** The fingerprints that cost the most in the window, largest first. */
  queries: QueryWindow[];
  dependencies: DependencyWindow[];
  workers: {
    count: number;
    /** Process CPU time over wall time, mean per worker (1 = one core busy). */
    cpu: number;
    /** Share of wall time the main thread waited for a CPU (0 when unknown). */
    cpuWait: number;
    /** Event-loop utilisation, mean per worker (0..1). */
    eventLoopUtilisation: number;
    /** Event-loop delay p99 (worst worker), ms. */
    eventLoopDelayP99Ms: number;
  };
  pool: {
    /** Connections all workers may open. */
    size: number;
    /** Checked out, at the busiest sample. */
    busy: number;
    /** Waiting for a connection, at the busiest sample. */
    waiting: number;
  };
  /** From pg_stat_activity: sessions waiting on a heavyweight lock (wait_event_type = 'Lock'). */
  locks: {
    waiting: number;
    /** How long the longest-waiting of them has waited, ms. */
    maxWaitMs: number;
    /** Fingerprint ids of the statements that wait. */
    blockedFingerprints: string[];
    /** A blocked statement's normalised text, for the evidence. */
    blockedQuery?: string;
  };
  /** A trivial `SELECT 1` timed from the supervisor over the workers' path; null if it failed. */
  dbRoundTripMs: number | null;
  /**
   * Sessions executing a statement (pg_stat_activity state 'active', lock waits excluded), mean of
   * the samples: a busy server also slows `SELECT 1`, the network does not keep backends busy.
   */
  dbActive: number | null;
  /** Requests the admission limit turned away. */
  rejections: number;
}

/** The current window and what "normal" looked like (null until the monitor has seen a calm window). */
export interface DiagnosisInput {
  at: number;
  current: DiagnosisWindow;
  baseline: DiagnosisWindow | null;
  /** Connections per worker, for the suggestion. */
  poolPerWorker?: number;
}

export const emptyWindow = (): DiagnosisWindow => ({
  durationS: 0,
  requests: 0,
  errors: 0,
  requestMs: 0,
  poolWaitMs: 0,
  queryMs: 0,
  queryCalls: 0,
  cacheMs: 0,
  cacheHits: 0,
  cacheMisses: 0,
  queries: [],
  dependencies: [],
  workers: { count: 0, cpu: 0, cpuWait: 0, eventLoopUtilisation: 0, eventLoopDelayP99Ms: 0 },
  pool: { size: 0, busy: 0, waiting: 0 },
  locks: { waiting: 0, maxWaitMs: 0, blockedFingerprints: [] },
  dbRoundTripMs: null,
  dbActive: null,
  rejections: 0,
});
