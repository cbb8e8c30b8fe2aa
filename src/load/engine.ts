// The open-model engine of one generator process. Journeys arrive on the executor's schedule; each
// request of a journey is due at its arrival plus the think times before it, fixed in advance, and
// is sent at that time whether or not earlier requests have been answered. Latency is measured from
// the due time, so a stall in the service costs every request that should have been sent during it
// (no coordinated omission). Sends that leave late (the generator lagged) or are dropped (too many
// in flight) are counted, never hidden.
import { getPriority } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { arrivals, phaseAt, totalMs } from './executors.js';
import type { Fixtures } from './fixtures-types.js';
import { MinHeap } from './min-heap.js';
import { prng, seedFor } from './prng.js';
import { meanStepsPerJourney } from './scenario.js';
import type { Journey, Scenario } from './scenario-types.js';
import { Tally, type TallyDump } from './tally.js';
import { type Compiled, compileTemplate, fill, inJson, inPath, JourneyVars } from './template.js';

export const LATE_THRESHOLD_MS = 10;

export interface EngineJob {
  baseUrl: string;
  scenario: Scenario;
  fixtures: Fixtures;
  /** This process is `index` of `count`: it takes the journeys i with i % count === index. */
  index: number;
  count: number;
  /** Makes `{uniq}` unique across runs. */
  runId: string;
}

export interface EngineStats {
  intended: number;
  sent: number;
  late: number;
  maxSendLagMs: number;
  dropped: number;
  unfinished: number;
  cpuCores: number;
  eventLoopP99Ms: number;
  /** The process's nice value (negative: raised priority). */
  nice: number;
}

export interface Progress {
  elapsedMs: number;
  intended: number;
  sent: number;
  done: number;
  ok: number;
  inFlight: number;
  late: number;
  dropped: number;
  recentP99: number;
  recentCount: number;
}

export interface EngineResult {
  tally: TallyDump;
  stats: EngineStats;
}

interface CompiledStep {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: Compiled;
  body?: Compiled;
  auth: boolean;
}

interface CompiledJourney {
  journey: Journey;
  steps: CompiledStep[];
}

/** A journey on its way: which user walks it, its drawn values, and the next step due. */
interface Visit {
  at: number;
  journey: CompiledJourney;
  step: number;
  user: number;
  /** Index into fixtures.signedIn for signed-in journeys. */
  me?: number;
  vars: JourneyVars;
  rand: () => number;
}

function compile(journeys: readonly Journey[]): CompiledJourney[] {
  return journeys.map((journey) => ({
    journey,
    steps: journey.steps.map((s) => ({
      name: s.name,
      method: s.method,
      path: compileTemplate(s.path),
      ...(s.body !== undefined ? { body: compileTemplate(JSON.stringify(s.body)) } : {}),
      auth: s.auth,
    })),
  }));
}

function statusOf(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  if (code === 'UND_ERR_SOCKET') return 'socket';
  if (typeof code === 'string') return code;
  const name = (err as { name?: unknown })?.name;
  return typeof name === 'string' ? name : 'error';
}

/**
 * Picks a user of positions [lo, hi] of a pool that is this process's share: ids congruent to
 * `index` modulo `count`, so the processes never share a user and their user counts simply add.
 */
export function pickUser(
  rand: () => number,
  lo: number,
  hi: number,
  index: number,
  count: number,
): number | undefined {
  const first = lo + ((((index - lo) % count) + count) % count);
  if (first > hi) return undefined;
  const mine = Math.floor((hi - first) / count) + 1;
  return first + count * Math.floor(rand() * mine);
}

/** The connections a generator process sends over; `runEngine` closes it when the run ends. */
export function enginePool(job: EngineJob): Pool {
  const { client } = job.scenario;
  return new Pool(new URL(job.baseUrl).origin, {
    connections: client.connections,
    pipelining: 1,
    headersTimeout: client.timeoutMs,
    bodyTimeout: client.timeoutMs,
    keepAliveTimeout: 60_000,
    connect: { timeout: 10_000 },
  });
}

/**
 * With `client.preconnect`, opens every connection of the pool before the run: one GET of that path
 * each, all at once (any answer will do). Opened on demand instead, they are opened when the
 * service slows and requests pile up: then a request waits for a new connection to be accepted, a
 * wait the service cannot see and a user of an already-connected client would not have.
 */
export async function openConnections(pool: Pool, job: EngineJob): Promise<void> {
  const path = job.scenario.client.preconnect;
  if (!path) return;
  await Promise.all(
    Array.from({ length: job.scenario.client.connections }, async () => {
      const res = await pool.request({ path, method: 'GET' });
      await res.body.dump();
    }),
  );
}

export async function runEngine(
  job: EngineJob,
  startAtEpochMs: number,
  onProgress: (p: Progress) => void,
  pool: Pool = enginePool(job),
): Promise<EngineResult> {
  const { scenario: sc, fixtures, index, count } = job;
  const journeys = compile(sc.journeys);
  const weights = sc.journeys.map((j) => j.weight);
  const weightSum = weights.reduce((a, w) => a + w, 0);
  const endMs = totalMs(sc.stages);
  const tally = new Tally(sc.objective.latencyMs);
  const stats: EngineStats = {
    intended: 0,
    sent: 0,
    late: 0,
    maxSendLagMs: 0,
    dropped: 0,
    unfinished: 0,
    cpuCores: 0,
    eventLoopP99Ms: 0,
    nice: getPriority(),
  };
  const baseHeaders = { accept: 'application/json' };
  const inFlight = new Map<number, { dueMs: number; name: string; phase: string; user: number }>();
  let nextId = 0;
  const signedInCount = Math.min(sc.users.signedIn, fixtures.signedIn.length);

  const queue = new MinHeap<Visit>();
  const arrivalTimes = arrivals(sc.stages, meanStepsPerJourney(sc.journeys));
  let journeyIndex = 0;
  let nextArrival = arrivalTimes.next();

  const newVisit = (at: number, i: number): Visit | undefined => {
    const rand = prng(seedFor(sc.seed, i));
    let x = rand() * weightSum;
    let k = 0;
    while (k < weights.length - 1 && x >= (weights[k] as number)) x -= weights[k++] as number;
    const journey = journeys[k] as CompiledJourney;
    const signedIn = journey.journey.as === 'signed-in';
    const poolSize = signedIn ? signedInCount : sc.users.anonymous;
    const range = journey.journey.users;
    const pick = pickUser(
      rand,
      range ? range.from - 1 : 0,
      Math.min(poolSize, range ? range.to : poolSize) - 1,
      index,
      count,
    );
    if (pick === undefined) return undefined;
    const user = signedIn ? sc.users.anonymous + pick : pick;
    const vars = new JourneyVars(fixtures, rand, {
      hotShare: sc.data.hotShare,
      maxOffset: sc.data.maxOffset,
      uniq: `${job.runId}${i.toString(36)}`,
      values: sc.values,
      ...(signedIn ? { me: pick } : {}),
    });
    return { at, journey, step: 0, user, vars, rand, ...(signedIn ? { me: pick } : {}) };
  };

  const fire = (v: Visit, now: number) => {
    const dueMs = v.at;
    const step = v.journey.steps[v.step] as CompiledStep;
    const phase = phaseAt(sc.stages, dueMs);
    const lag = now - dueMs;
    stats.intended++;
    if (lag > LATE_THRESHOLD_MS) stats.late++;
    if (lag > stats.maxSendLagMs) stats.maxSendLagMs = lag;
    if (inFlight.size >= sc.client.maxOutstanding) {
      stats.dropped++;
      tally.scheduled(dueMs, false, lag > LATE_THRESHOLD_MS);
      tally.record({ dueMs, name: step.name, phase, user: v.user, status: 'dropped', latencyMs: lag });
      return;
    }
    stats.sent++;
    tally.scheduled(dueMs, true, lag > LATE_THRESHOLD_MS);
    const id = nextId++;
    inFlight.set(id, { dueMs, name: step.name, phase, user: v.user });
    let headers: Record<string, string> = baseHeaders;
    if (step.auth && v.me !== undefined) {
      headers = { ...baseHeaders, authorization: `Token ${fixtures.signedIn[v.me]?.token ?? ''}` };
    }
    let body: string | undefined;
    if (step.body) {
      body = fill(step.body, v.vars, inJson);
      headers = { ...headers, 'content-type': 'application/json' };
    }
    const path = fill(step.path, v.vars, inPath);
    const sentAt = performance.now();
    const finish = (status: string) => {
      const meta = inFlight.get(id);
      if (!meta) return; // already counted as unfinished
      inFlight.delete(id);
      const t = performance.now();
      tally.record({ ...meta, status, latencyMs: t - t0 - dueMs, serviceMs: t - sentAt });
    };
    pool.request({ path, method: step.method, headers, body }).then(
      async (res) => {
        try {
          if (res.statusCode >= 400) {
            // the error body's code tells a 503 of the guard from one of the deadline or a drain
            const text = await res.body.text();
            const code = /"code"\s*:\s*"([\w.-]{1,64})"/.exec(text)?.[1];
            if (code) tally.code(`${res.statusCode} ${code}`);
          } else {
            for await (const _ of res.body) {
              // drain so the connection can be reused
            }
          }
          finish(String(res.statusCode));
        } catch (err) {
          finish(statusOf(err));
        }
      },
      (err: unknown) => finish(statusOf(err)),
    );
  };

  const loop = monitorEventLoopDelay({ resolution: 10 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now() + Math.max(0, startAtEpochMs - Date.now());
  const wall0 = t0;
  let lastProgress = 0;
  const progress = (now: number) => {
    const recent = tally.takeRecent();
    onProgress({
      elapsedMs: now,
      intended: stats.intended,
      sent: stats.sent,
      done: tally.done,
      ok: tally.okCount,
      inFlight: inFlight.size,
      late: stats.late,
      dropped: stats.dropped,
      recentP99: recent.p99,
      recentCount: recent.count,
    });
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now() - t0;
      // new journeys whose arrival has come
      while (!nextArrival.done && nextArrival.value <= now) {
        const i = journeyIndex++;
        const at = nextArrival.value;
        nextArrival = arrivalTimes.next();
        if (i % count !== index) continue;
        const v = newVisit(at, i);
        if (v) queue.push(v);
      }
      // requests now due
      for (let top = queue.peek(); top && top.at <= now; top = queue.peek()) {
        const v = queue.pop() as Visit;
        fire(v, now);
        if (v.step + 1 < v.journey.steps.length) {
          const [min, max] = v.journey.journey.thinkMs;
          const at = v.at + min + (max - min) * v.rand();
          if (at < endMs) queue.push({ ...v, at, step: v.step + 1 });
        }
      }
      if (now - lastProgress >= 1000) {
        lastProgress = now;
        progress(now);
      }
      const nextAt = Math.min(
        nextArrival.done ? Number.POSITIVE_INFINITY : nextArrival.value,
        queue.peek()?.at ?? Number.POSITIVE_INFINITY,
      );
      if (!Number.isFinite(nextAt)) {
        resolve();
        return;
      }
      const wait = nextAt - (performance.now() - t0);
      if (wait <= 0) setImmediate(tick);
      else setTimeout(tick, Math.min(wait, 1000 - (now - lastProgress)));
    };
    loop.enable();
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });

  // the schedule is done: wait for the answers still to come, up to the drain time
  const drainUntil = performance.now() + sc.client.drainMs;
  while (inFlight.size > 0 && performance.now() < drainUntil) {
    await new Promise((r) => setTimeout(r, 50));
    const now = performance.now() - t0;
    if (now - lastProgress >= 1000) {
      lastProgress = now;
      progress(now);
    }
  }
  const now = performance.now() - t0;
  for (const meta of inFlight.values()) {
    stats.unfinished++;
    tally.record({ ...meta, status: 'unfinished', latencyMs: now - meta.dueMs });
  }
  inFlight.clear();
  progress(now);
  loop.disable();
  const cpu = process.cpuUsage(cpu0);
  stats.cpuCores =
    Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, performance.now() - wall0)) * 100) / 100;
  stats.eventLoopP99Ms = Math.round((loop.percentile(99) / 1e6) * 100) / 100;
  stats.maxSendLagMs = Math.round(stats.maxSendLagMs * 100) / 100;
  await pool.destroy().catch(() => {});
  return { tally: tally.dump(), stats };
}
