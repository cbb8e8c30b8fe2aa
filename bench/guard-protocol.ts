// What the guard benchmark (`bench/guard.ts`) adds to the driver's job and result. Every field is
// optional, so the RealWorld benchmark's jobs and results are unchanged; the load driver reads them
// through these types.
import type { DriverJob, DriverResult, LatencySummary, WorkloadName } from './driver-protocol.js';

/** The guard benchmark's workloads (see `bench/guard-workloads.ts`). */
export const GUARD_WORKLOADS = ['mixed', 'critical', 'heavy'] as const;
export type GuardWorkloadName = (typeof GUARD_WORKLOADS)[number];

export function isGuardWorkload(name: string): name is GuardWorkloadName {
  return (GUARD_WORKLOADS as readonly string[]).includes(name);
}

/** The data the guard workloads draw from, gathered once by the orchestrator and written to a file. */
export interface GuardFixtures {
  /** Slugs of articles on the first list pages (the hot, often cached ones). */
  hotSlugs: string[];
  /** Slugs spread over the whole dataset, for reads that must reach the database. */
  coldSlugs: string[];
  usernames: string[];
  tags: string[];
  /** Tokens of signed-in demo users; the workloads' writes and feeds use them. */
  tokens: string[];
}

export interface GuardJobExtras {
  /** A JSON file with `GuardFixtures`. */
  fixturesFile?: string;
  /** Workload parameters, e.g. `{ "coldFrom": 400 }` to start at another slice of the cold slugs. */
  params?: Record<string, number>;
  /**
   * Record a latency histogram per request tag and status ("heavy:2xx", "all:503", …) and per error
   * code ("code:DATA_ERR_OVERLOADED"; the bodies of non-2xx answers are read for it).
   */
  groups?: boolean;
  /** Record counts by status in buckets of this many ms of completion time (epoch ms). */
  timelineMs?: number;
}

export type GuardJob = Omit<DriverJob, 'workload'> & {
  workload: WorkloadName | GuardWorkloadName;
} & GuardJobExtras;

export interface TimelineBucket {
  /** Start of the bucket, epoch ms (Date.now() of the driver, on the same machine as the caller). */
  t: number;
  /** Responses that completed in it, by status key: "2xx", "503", "status-500", "ECONNRESET", … */
  counts: Record<string, number>;
  /** Of those, per tag and status key ("write:2xx"). */
  byTag: Record<string, number>;
}

export interface GuardResultExtras {
  /** Per `<tag>:<status key>` and `all:<status key>`: latency of the responses in that group. */
  groups?: Record<string, LatencySummary>;
  /** Non-2xx answers by `<status>:<the body's code>` ("503:DATA_ERR_OVERLOADED"); with `groups`. */
  codes?: Record<string, number>;
  /** Responses (any status) that took longer than `timeoutMs` from their due time. */
  overTimeout?: number;
  timeline?: TimelineBucket[];
}

export type GuardDriverResult = DriverResult & GuardResultExtras;
