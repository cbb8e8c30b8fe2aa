import type { Executor, Stage } from './executors.js';
import type { LatencySummary } from './histogram.js';

/** Requests of one group (all, one request name, one phase) and how they went. */
export interface GroupStats {
  /** Requests due in the group (sent, dropped or unfinished: each counts once). */
  requests: number;
  /** Answered 2xx. */
  ok: number;
  /** Answered 2xx but later than the latency objective from the intended send time. */
  slow: number;
  /** By status code ("200", "503") or client-side outcome ("timeout", "ECONNRESET", "dropped", "unfinished"). */
  byStatus: Record<string, number>;
  /** From the intended send time: what a user waits (coordinated omission corrected). */
  latency: LatencySummary;
  /** From the moment the request was handed to the client: the service time a closed-model tool reports. */
  service: LatencySummary;
}

/** One virtual user over the run: ids 0 … users.anonymous − 1 are the anonymous visitors, then the signed-in users in order. */
export interface UserTimeline {
  user: number;
  requests: number;
  /** Requests failed (not 2xx) or slower than the objective. */
  bad: number;
  /** Seconds of the timeline with at least one request of theirs due, ascending. */
  activeS: number[];
  /** Seconds with at least one of their requests failed or slower than the objective. */
  affectedS: number[];
  /** The same, slowness counted from the send: the generator's own lag left out. */
  affectedServedS: number[];
}

export interface UserStats {
  /** Distinct virtual users with at least one request due. */
  active: number;
  /** Of those, users with at least one request failed or slower than the objective. */
  affected: number;
  share: number;
}

/** One second of the run, by intended send time. */
export interface Slice {
  /** Seconds from the start. */
  t: number;
  /** The executor's target rate at the slice's start (requests/s). */
  targetRate: number;
  intended: number;
  sent: number;
  /** Sent more than the late threshold after their intended time: where the generator lagged. */
  late: number;
  ok: number;
  slow: number;
  /** Answered 2xx but slower than the objective from the send (the generator's own lag left out). */
  slowServed: number;
  byStatus: Record<string, number>;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  users: UserStats;
}

export interface PhaseStats extends GroupStats {
  phase: string;
  fromS: number;
  toS: number;
  users: UserStats;
  /** 2xx answers per second of the phase. */
  goodput: number;
  /** Highest share of users affected in any one-second slice of the phase. */
  peakSliceShare: number;
}

export interface GeneratorStats {
  processes: number;
  /** Requests the schedule asked for. */
  intended: number;
  sent: number;
  /** Sent more than `lateThresholdMs` after their intended time: the generator lagged. */
  late: number;
  lateThresholdMs: number;
  maxSendLagMs: number;
  /** Not sent: `maxOutstanding` requests were already in flight. */
  dropped: number;
  /** Still unanswered when the drain ended. */
  unfinished: number;
  /** CPU used by each generator process over the run, in cores. */
  cpuCores: number[];
  /** Nice value of each generator process (negative: it ran at a raised priority). */
  nice: number[];
  /** Worst event-loop delay p99 of the generator processes (ms). */
  eventLoopP99Ms: number;
  /** False when more than 1% of sends were late or any was dropped: the numbers partly measure the generator. */
  keptRate: boolean;
}

export interface Degradation {
  /** A slice is degraded when more than this share of its users were affected. */
  threshold: number;
  degradedSlices: number;
  /** First and last degraded second (null when none). */
  firstS: number | null;
  lastS: number | null;
  /** From the first degraded second to the end of the last one. */
  durationS: number;
}

export interface ThresholdOutcome {
  metric: string;
  condition: string;
  ok: boolean;
  actual: number | null;
  detail: string;
}

export interface LoadResult {
  kind: 'bulwark-load-result';
  version: 1;
  scenario: {
    name: string;
    description: string;
    executor: Executor;
    stages: Stage[];
    objective: { latencyMs: number; degradedAbove: number };
  };
  target: string;
  /** The instant the schedule started: second t of `timeline` is [startedAt + t s, startedAt + t + 1 s). */
  startedAt: string;
  durationMs: number;
  machine: Record<string, string | number>;
  total: GroupStats;
  /** Error answers by status and the error body's `code` ("503 DATA_ERR_OVERLOADED"). */
  errorCodes: Record<string, number>;
  users: UserStats;
  /** Every user's seconds, so the users affected over any window can be counted (see `usersBetween`). */
  perUser: UserTimeline[];
  /** 2xx answers per second over the whole run. */
  goodput: number;
  byName: Record<string, GroupStats>;
  phases: PhaseStats[];
  timeline: Slice[];
  degradation: Degradation;
  generator: GeneratorStats;
  thresholds: ThresholdOutcome[];
  /** HdrHistograms (µs, compressed base64) of every answer's latency and service time. */
  histograms: { latency: string; service: string };
}
