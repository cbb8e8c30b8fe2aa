// What the orchestrator (`realworld.ts`) and the load driver (`load-driver.ts`) exchange. The driver
// runs in its own process and gets one job as JSON on its command line; it prints JSON lines on stdout:
// `{"event":"measure-start"}`, `{"event":"measure-end"}` (so the orchestrator can sample the CPU of
// the stack over exactly the measured window) and finally `{"result":{...}}`.

export const WORKLOADS = ['s1', 's2', 'trivial'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export const MODES = ['closed', 'open'] as const;
export type Mode = (typeof MODES)[number];

export interface DriverJob {
  baseUrl: string;
  workload: WorkloadName;
  mode: Mode;
  /** Closed model: concurrent request loops. Open model: the connection pool's size. */
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Open model only: requests per second, scheduled at fixed intervals. */
  rate?: number;
  /** Sent as `Authorization: Token <token>` when set. */
  token?: string;
  /** A request without a complete response after this long counts as a timeout error. */
  timeoutMs: number;
  /** Open model: after the window, how long to wait for the requests still in flight. */
  drainMs: number;
  /** Open model: sends beyond this many outstanding requests are dropped (and counted). */
  maxOutstanding: number;
  /**
   * Open model: before the schedule starts, open every connection of the pool with one GET of this
   * path each (any answer will do). Without it the driver opens them during the first second of
   * load, when a sudden rate needs hundreds at once: on a shared machine that storm starves the
   * driver and the stack alike and its tail lands in the measurement, although clients on their own
   * machines would each have paid for their own connection.
   */
  preconnectPath?: string;
}

export interface LatencySummary {
  /** Microseconds. */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  count: number;
}

export interface OpenModelStats {
  /** Requests whose intended send time fell inside the window. */
  intended: number;
  /** Of those, sent (the rest were dropped). */
  sent: number;
  /** Sent more than `lateThresholdMs` after the intended time (the generator lagged). */
  late: number;
  lateThresholdMs: number;
  maxSendLagMs: number;
  /** How late the sends left (ms): the driver's own lag, part of every latency it reports. */
  sendLagMs: { p50: number; p99: number; p999: number };
  /** With `preconnectPath`: connections opened before the schedule, and how long that took (ms). */
  preconnected?: { connections: number; failed: number; ms: number };
  /** Not sent: too many requests were already outstanding. */
  dropped: number;
  /** Sent when every connection was busy, so it queued in the client before reaching the wire. */
  queuedAtSend: number;
  /** Still without a response when the drain period ended (recorded with their latency so far). */
  unfinished: number;
  /** Sent requests per second over the window. */
  achievedRate: number;
}

export interface DriverResult {
  job: Omit<DriverJob, 'token'> & { authenticated: boolean };
  measuredMs: number;
  /** Responses completed inside the window (any status). */
  requests: number;
  /** Requests per second inside the window. */
  throughput: number;
  /** S2 only: whole journeys completed inside the window. */
  journeys?: number;
  /** S2 only: requests per complete journey (2 + 3 per listed article: 32 for 10 articles). */
  requestsPerJourney?: number;
  /** S2 only: `throughput / requestsPerJourney`. */
  journeysPerSec?: number;
  latencyUs: LatencySummary;
  errors: { total: number; byKind: Record<string, number> };
  bytesReceived: number;
  open?: OpenModelStats;
  /** CPU the driver process used during the window, in cores (1 = one core busy all the time). */
  driverCpuCores: number;
  /** The driver's own event-loop delay p99 (ms): high values mean the generator itself was busy. */
  driverEventLoopP99Ms: number;
  /** The latency histogram (microseconds), HdrHistogram compressed base64, for later merging. */
  histogram: string;
}

export type DriverLine =
  | { event: 'measure-start' }
  | { event: 'measure-end' }
  | { event: 'error'; message: string }
  | { result: DriverResult };
