// The load generator, run as its own process so that it never shares an event loop (or a CPU
// accounting) with the stack it measures. Usage: node --import tsx bench/load-driver.ts '<DriverJob JSON>'
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Histogram } from 'hdr-histogram-js';
import { Pool } from 'undici';
import type { DriverLine, DriverResult, LatencySummary, OpenModelStats } from './driver-protocol.js';
import type { GuardDriverResult, GuardJob, TimelineBucket } from './guard-protocol.js';
import { encodeHistogram, latencyHistogram, recordMs, summarize } from './latency.js';
import { type OpenRequest, type Reply, type Send, type SendInit, workload } from './workloads.js';

// The job may carry the guard benchmark's optional extras (per-group latency, a timeline, signed-in
// users, fixtures); without them the driver behaves exactly as before.
type DriverJob = GuardJob;

const LATE_THRESHOLD_MS = 5;
/** Pause between opening the connections and the first due request. */
const PRECONNECT_SETTLE_MS = 500;

function emit(line: DriverLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

interface Exchange extends Reply {
  bytes: number;
  errorKind?: string;
  /** The error body's `code` (e.g. DATA_ERR_OVERLOADED), read only when the job asks for groups. */
  code?: string;
}

/** "2xx", the status ("503"), or the client-side error kind ("UND_ERR_HEADERS_TIMEOUT"). */
function statusKey(x: Exchange): string {
  if (x.status >= 200 && x.status < 300) return '2xx';
  if (x.status > 0) return String(x.status);
  return x.errorKind ?? 'error';
}

/** Counters and the histogram of the measured window. */
class Tally {
  readonly histogram = latencyHistogram();
  requests = 0;
  bytes = 0;
  journeys = 0;
  errors = 0;
  readonly byKind: Record<string, number> = {};
  /** Optional extras (guard benchmark): per tag:status histograms, a timeline, slow answers. */
  readonly groups = new Map<string, Histogram>();
  readonly timeline = new Map<number, TimelineBucket>();
  readonly codes: Record<string, number> = {};
  overTimeout = 0;

  constructor(private readonly job?: DriverJob) {}

  private group(key: string, ms: number): void {
    let h = this.groups.get(key);
    if (!h) {
      h = latencyHistogram();
      this.groups.set(key, h);
    }
    recordMs(h, ms);
  }

  private extras(ms: number, x: Exchange, tag: string | undefined): void {
    const job = this.job;
    if (!job) return;
    const key = statusKey(x);
    if (ms > job.timeoutMs) this.overTimeout++;
    if (job.groups) {
      this.group(`all:${key}`, ms);
      if (tag) this.group(`${tag}:${key}`, ms);
      if (x.code) {
        this.codes[`${key}:${x.code}`] = (this.codes[`${key}:${x.code}`] ?? 0) + 1;
        this.group(`code:${x.code}`, ms);
      }
    }
    if (job.timelineMs) {
      const t = Math.floor(Date.now() / job.timelineMs) * job.timelineMs;
      let b = this.timeline.get(t);
      if (!b) {
        b = { t, counts: {}, byTag: {} };
        this.timeline.set(t, b);
      }
      b.counts[key] = (b.counts[key] ?? 0) + 1;
      if (tag) b.byTag[`${tag}:${key}`] = (b.byTag[`${tag}:${key}`] ?? 0) + 1;
    }
  }

  /** The extras for the result, when the job asked for them. */
  extrasResult(): Pick<GuardDriverResult, 'groups' | 'codes' | 'overTimeout' | 'timeline'> {
    if (!this.job || (!this.job.groups && !this.job.timelineMs)) return {};
    const out: Pick<GuardDriverResult, 'groups' | 'codes' | 'overTimeout' | 'timeline'> = {
      overTimeout: this.overTimeout,
    };
    if (this.job.groups) {
      const groups: Record<string, LatencySummary> = {};
      for (const [k, h] of this.groups) groups[k] = summarize(h);
      out.groups = groups;
      out.codes = { ...this.codes };
    }
    if (this.job.timelineMs) out.timeline = [...this.timeline.values()].sort((a, b) => a.t - b.t);
    return out;
  }

  error(kind: string): void {
    this.errors++;
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
  }

  exchange(ms: number, x: Exchange, tag?: string): void {
    this.requests++;
    this.bytes += x.bytes;
    recordMs(this.histogram, ms);
    if (x.errorKind) this.error(x.errorKind);
    this.extras(ms, x, tag);
  }
}

function errorKind(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown };
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.name === 'string') return e.name;
  return 'unknown-error';
}

function makeExchange(
  pool: Pool,
  baseHeaders: Record<string, string>,
  tokens: readonly string[] = [],
  readCodes = false,
) {
  return async (path: string, json = false, init: SendInit = {}): Promise<Exchange> => {
    let headers = baseHeaders;
    let body: string | undefined;
    if (init.user !== undefined && tokens.length > 0) {
      headers = { ...headers, authorization: `Token ${tokens[init.user % tokens.length]}` };
    }
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers = { ...headers, 'content-type': 'application/json' };
    }
    try {
      const res = await pool.request({ path, method: init.method ?? 'GET', headers, body });
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      if (json && ok) {
        const text = await res.body.text();
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return { ok: false, status: res.statusCode, bytes: text.length, errorKind: 'bad-json' };
        }
        return { ok, status: res.statusCode, json: parsed, bytes: text.length };
      }
      if (!ok && readCodes) {
        const text = await res.body.text();
        const code = /"code"\s*:\s*"([\w.-]{1,64})"/.exec(text)?.[1];
        return {
          ok,
          status: res.statusCode,
          bytes: text.length,
          errorKind: `status-${res.statusCode}`,
          ...(code ? { code } : {}),
        };
      }
      let bytes = 0;
      for await (const chunk of res.body) bytes += (chunk as Buffer).length;
      return ok
        ? { ok, status: res.statusCode, bytes }
        : { ok, status: res.statusCode, bytes, errorKind: `status-${res.statusCode}` };
    } catch (err) {
      return { ok: false, status: 0, bytes: 0, errorKind: errorKind(err) };
    }
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Window {
  measuring: () => boolean;
  /** Resolves when the window closes. */
  ended: Promise<void>;
  measuredMs: () => number;
  cpuCores: () => number;
  loopP99Ms: () => number;
}

/** Opens the measured window at `startAt` (performance.now() time) for `durationMs`. */
function measureWindow(startAt: number, durationMs: number): Window {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let state: 'before' | 'in' | 'after' = 'before';
  let cpu0 = process.cpuUsage();
  let cpuCores = 0;
  let t0 = 0;
  let t1 = 0;
  const ended = (async () => {
    await sleep(Math.max(0, startAt - performance.now()));
    state = 'in';
    t0 = performance.now();
    cpu0 = process.cpuUsage();
    loop.enable();
    emit({ event: 'measure-start' });
    await sleep(Math.max(0, startAt + durationMs - performance.now()));
    state = 'after';
    t1 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    cpuCores = (cpu.user + cpu.system) / 1000 / (t1 - t0);
    loop.disable();
    emit({ event: 'measure-end' });
  })();
  return {
    measuring: () => state === 'in',
    ended,
    measuredMs: () => t1 - t0,
    cpuCores: () => cpuCores,
    loopP99Ms: () => loop.percentile(99) / 1e6,
  };
}

/** Closed model: `connections` loops, each sending its next request when the previous one returned. */
async function closedModel(job: DriverJob, exchange: ReturnType<typeof makeExchange>) {
  const wl = workload(job.workload, job);
  const tally = new Tally(job);
  const window = measureWindow(performance.now() + job.warmupMs, job.durationMs);
  let done = false;
  void window.ended.then(() => {
    done = true;
  });
  const send: Send = async (path, json, init) => {
    const t = performance.now();
    const x = await exchange(path, json, init);
    if (window.measuring()) tally.exchange(performance.now() - t, x, init?.tag);
    return x;
  };
  const countError = (kind: string) => {
    if (window.measuring()) tally.error(kind);
  };
  let allJourneys = 0;
  let allJourneyRequests = 0;
  const loops = Array.from({ length: job.connections }, async () => {
    while (!done) {
      const journeyRequests = await wl.step(send, countError);
      if (journeyRequests > 0) {
        allJourneys++;
        allJourneyRequests += journeyRequests;
        if (window.measuring()) tally.journeys++;
      }
    }
  });
  await window.ended;
  await Promise.all(loops);
  const requestsPerJourney = allJourneys > 0 ? allJourneyRequests / allJourneys : 0;
  return { tally, window, open: undefined, requestsPerJourney };
}

/**
 * Open model: request i is due at t0 + i/rate whether or not earlier ones returned, and its latency
 * is measured from that due time, so a stall in the service costs every request that should have
 * been sent during it (no coordinated omission).
 */
async function openModel(job: DriverJob, exchange: ReturnType<typeof makeExchange>) {
  const rate = job.rate ?? 0;
  if (!(rate > 0)) throw new Error('the open model needs a positive rate');
  const wl = workload(job.workload, job);
  const requests: OpenRequest[] = wl.openRequests
    ? await wl.openRequests(exchange)
    : (await wl.openPaths(exchange)).map((path) => ({ path }));
  const preconnected = job.preconnectPath ? await preconnect(job, exchange, job.preconnectPath) : undefined;
  const tally = new Tally(job);
  const interval = 1000 / rate;
  const sendLag = latencyHistogram();
  const t0 = performance.now() + 20;
  const measureStart = t0 + job.warmupMs;
  const measureEnd = measureStart + job.durationMs;
  const total = Math.ceil((job.warmupMs + job.durationMs) / interval);
  const window = measureWindow(measureStart, job.durationMs);
  const stats: OpenModelStats = {
    intended: 0,
    sent: 0,
    late: 0,
    lateThresholdMs: LATE_THRESHOLD_MS,
    maxSendLagMs: 0,
    sendLagMs: { p50: 0, p99: 0, p999: 0 },
    ...(preconnected ? { preconnected } : {}),
    dropped: 0,
    queuedAtSend: 0,
    unfinished: 0,
    achievedRate: 0,
  };
  let outstanding = 0;
  const pending = new Map<number, number>(); // measured requests in flight: index -> due time
  let drained: () => void = () => {};
  let scheduleDone = false;

  const fire = (i: number, due: number, now: number) => {
    const measured = due >= measureStart && due < measureEnd;
    if (measured) {
      stats.intended++;
      const lag = now - due;
      if (lag > LATE_THRESHOLD_MS) stats.late++;
      if (lag > stats.maxSendLagMs) stats.maxSendLagMs = lag;
      recordMs(sendLag, lag);
    }
    if (outstanding >= job.maxOutstanding) {
      if (measured) {
        stats.dropped++;
        tally.error('dropped');
      }
      return;
    }
    if (measured) {
      stats.sent++;
      if (outstanding >= job.connections) stats.queuedAtSend++;
      pending.set(i, due);
    }
    outstanding++;
    const req = requests[i % requests.length] as OpenRequest;
    void exchange(req.path, false, req).then((x) => {
      outstanding--;
      if (!measured || !pending.delete(i)) return;
      tally.exchange(performance.now() - due, x, req.tag);
      if (scheduleDone && pending.size === 0) drained();
    });
  };

  await new Promise<void>((resolve) => {
    let i = 0;
    const tick = () => {
      const now = performance.now();
      while (i < total && t0 + i * interval <= now) {
        fire(i, t0 + i * interval, now);
        i++;
      }
      if (i >= total) resolve();
      else setTimeout(tick, Math.max(0, t0 + i * interval - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });
  await window.ended;
  scheduleDone = true;
  if (pending.size > 0) {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((r) => {
      drained = r;
      timer = setTimeout(r, job.drainMs);
    });
    clearTimeout(timer);
  }
  const now = performance.now();
  for (const due of pending.values()) {
    stats.unfinished++;
    tally.exchange(now - due, { ok: false, status: 0, bytes: 0, errorKind: 'unfinished' });
  }
  pending.clear();
  stats.achievedRate = stats.sent / (window.measuredMs() / 1000);
  stats.maxSendLagMs = Math.round(stats.maxSendLagMs * 100) / 100;
  const lagUs = summarize(sendLag);
  stats.sendLagMs = { p50: lagUs.p50 / 1000, p99: lagUs.p99 / 1000, p999: lagUs.p999 / 1000 };
  return { tally, window, open: stats, requestsPerJourney: 0 };
}

/**
 * Opens every connection of the pool with one request each, all at once, then lets the stack settle
 * for a moment, so the connection storm is over before the first request is due.
 */
async function preconnect(
  job: DriverJob,
  exchange: ReturnType<typeof makeExchange>,
  path: string,
): Promise<NonNullable<OpenModelStats['preconnected']>> {
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: job.connections }, () => exchange(path)));
  const ms = Math.round(performance.now() - started);
  await sleep(PRECONNECT_SETTLE_MS);
  return { connections: job.connections, failed: answers.filter((a) => a.status === 0).length, ms };
}

/** Signed-in users' tokens, from the guard fixtures when the job names them. */
function readTokens(job: DriverJob): string[] {
  if (!job.fixturesFile) return [];
  return (JSON.parse(readFileSync(job.fixturesFile, 'utf8')) as { tokens?: string[] }).tokens ?? [];
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as DriverJob;
  const pool = new Pool(new URL(job.baseUrl).origin, {
    connections: job.connections,
    pipelining: 1,
    headersTimeout: job.timeoutMs,
    bodyTimeout: job.timeoutMs,
    keepAliveTimeout: 60_000,
    connect: { timeout: 10_000 },
  });
  const headers: Record<string, string> = { accept: 'application/json' };
  if (job.token) headers.authorization = `Token ${job.token}`;
  const exchange = makeExchange(pool, headers, readTokens(job), job.groups === true);
  const { tally, window, open, requestsPerJourney } =
    job.mode === 'open' ? await openModel(job, exchange) : await closedModel(job, exchange);
  await pool.destroy();
  const seconds = window.measuredMs() / 1000;
  const { token, ...rest } = job;
  const result: DriverResult & GuardDriverResult = {
    // the guard workloads' names are not in WorkloadName; the echo is informational
    job: { ...rest, authenticated: token !== undefined } as DriverResult['job'],
    measuredMs: Math.round(window.measuredMs()),
    requests: tally.requests,
    throughput: tally.requests / seconds,
    latencyUs: summarize(tally.histogram),
    errors: { total: tally.errors, byKind: tally.byKind },
    bytesReceived: tally.bytes,
    driverCpuCores: window.cpuCores(),
    driverEventLoopP99Ms: window.loopP99Ms(),
    histogram: encodeHistogram(tally.histogram),
    ...tally.extrasResult(),
  };
  if (job.workload === 's2' && job.mode === 'closed') {
    // A journey at saturation takes seconds, so counting whole journeys inside the window undercounts;
    // the request rate over the journey's size does not.
    result.journeys = tally.journeys;
    result.requestsPerJourney = requestsPerJourney;
    result.journeysPerSec = requestsPerJourney > 0 ? result.throughput / requestsPerJourney : 0;
  }
  if (open) result.open = open;
  emit({ result });
}

main().catch((err: unknown) => {
  emit({ event: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
});
