// The four benchmarks of issue 3 this file owns: Overhead, Spike, Isolation, Faults. Each returns its
// measurements, the lines to print and its must-hold verdicts; `bench/guard.ts` runs them in order.
import { availableParallelism } from 'node:os';
import { poolSizePerWorker } from '../src/scale/pool-size.js';
import { spawnBenchScript } from './child-process.js';
import {
  analyzeRecovery,
  databaseUrl,
  type Recovery,
  type Restart,
  restartPostgres,
  stackNodeProcesses,
} from './guard-faults.js';
import {
  addCounts,
  byStatus,
  f1,
  f2,
  type GuardMeasurement,
  type GuardOptions,
  goodput,
  measure,
  medianOf,
  ms,
  pct,
  progress,
  statusLine,
  sumOf,
  verdict,
} from './guard-measure.js';
import type { GuardJob } from './guard-protocol.js';
import { removeBenchComments } from './guard-reset.js';
import {
  latencyBetween,
  mergeLatency,
  type ServerLatency,
  scrapeServerLatencyOrNone,
} from './server-latency.js';
import { freePort } from './stack.js';

export interface Verdict {
  benchmark: string;
  check: string;
  ok: boolean;
  value: string;
}

export interface Section {
  lines: string[];
  verdicts: Verdict[];
  data: Record<string, unknown>;
}

export interface Ctx {
  options: GuardOptions;
  origin: string;
  /** The stack's ops server, for its /metrics. */
  opsOrigin: string;
  stackPid: number;
  dataDir: string;
  databasePort: number;
  fixturesFile: string;
  jwtSecret: string;
  /** The stack's stderr so far (warn level and up), to explain a process that died. */
  stackStderr: () => string;
}

const CLIENT_TIMEOUT_MS = 10_000;

export function job(
  ctx: Ctx,
  over: Partial<GuardJob> & Pick<GuardJob, 'workload' | 'mode' | 'durationMs'>,
): GuardJob {
  return {
    baseUrl: ctx.origin,
    connections: 64,
    warmupMs: 1000,
    timeoutMs: CLIENT_TIMEOUT_MS,
    drainMs: 12_000,
    maxOutstanding: 10_000,
    fixturesFile: ctx.fixturesFile,
    groups: true,
    ...over,
  };
}

/** `measure`, from the seeded comments: what earlier measurements posted is removed first. */
async function measureFresh(
  ctx: Ctx,
  j: GuardJob,
  hooks?: Parameters<typeof measure>[1],
): Promise<GuardMeasurement> {
  await removeBenchComments(ctx.dataDir, ctx.databasePort);
  return measure(j, hooks);
}

const brief = (m: GuardMeasurement) =>
  `${f1(goodput(m))} 2xx/s of ${f1(m.throughput)} req/s, p50 ${f2(ms(m.latencyUs.p50))} ms, p99 ${f2(ms(m.latencyUs.p99))} ms, ${statusLine(byStatus(m))}`;

// ---------------------------------------------------------------------------------------------- //
// Saturation of the hardened stack on the mixed workload: the reference for Spike and Faults.

export interface Saturation {
  runs: GuardMeasurement[];
  /** Median 2xx/s: what the stack serves successfully at most. */
  goodput: number;
  connections: number;
  byConnections: Record<number, GuardMeasurement[]>;
}

/** Closed-model concurrencies tried; the one with the best median 2xx/s is the saturation. */
const SATURATION_CONNECTIONS = [8, 32];

export async function mixedSaturation(ctx: Ctx): Promise<Saturation> {
  const { options } = ctx;
  const byC = new Map<number, GuardMeasurement[]>();
  for (let r = 1; r <= options.runs; r++) {
    for (const connections of SATURATION_CONNECTIONS) {
      const m = await measureFresh(
        ctx,
        job(ctx, {
          workload: 'mixed',
          mode: 'closed',
          connections,
          warmupMs: 2000,
          durationMs: options.satS * 1000,
          params: { seed: 100 + r },
        }),
        { stackPid: ctx.stackPid },
      );
      byC.set(connections, [...(byC.get(connections) ?? []), m]);
      progress(`[saturation ${r}/${options.runs}] hardened, mixed, closed C=${connections}: ${brief(m)}`);
    }
  }
  let best = SATURATION_CONNECTIONS[0] as number;
  for (const c of SATURATION_CONNECTIONS) {
    if (medianOf(byC.get(c) ?? [], goodput) > medianOf(byC.get(best) ?? [], goodput)) best = c;
  }
  const runs = byC.get(best) ?? [];
  return {
    runs,
    goodput: medianOf(runs, goodput),
    connections: best,
    byConnections: Object.fromEntries(byC),
  };
}

// ---------------------------------------------------------------------------------------------- //
// Overhead: the same app over the guard (cache off) and over a plain pg.Pool, interleaved.

interface Server {
  mode: 'plain' | 'guarded';
  origin: string;
  pid: number;
  stop(): Promise<void>;
}

async function startServer(ctx: Ctx, mode: 'plain' | 'guarded', workers: number, poolSize: number) {
  const port = await freePort();
  const child = spawnBenchScript('./guard-server.ts', {
    mode,
    databaseUrl: databaseUrl(ctx.dataDir, ctx.databasePort),
    workers,
    poolSize,
    port,
    jwtSecret: ctx.jwtSecret,
  });
  await child.waitFor((l) => l.event === 'listening', 60_000);
  return {
    mode,
    origin: `http://127.0.0.1:${port}`,
    pid: child.child.pid ?? -1,
    stop: () => child.stop(15_000),
  } satisfies Server;
}

export async function overhead(ctx: Ctx): Promise<Section> {
  const { options } = ctx;
  const workers = options.workers ?? availableParallelism();
  const poolSize = poolSizePerWorker({
    configured: 0,
    dbCores: availableParallelism(),
    workers,
    maxConnections: 100,
    reserve: 10,
  });
  progress(
    `overhead: starting the plain and the guarded server (${workers} workers x ${poolSize} connections)…`,
  );
  const servers = await Promise.all([
    startServer(ctx, 'plain', workers, poolSize),
    startServer(ctx, 'guarded', workers, poolSize),
  ]);
  const [plain, guarded] = servers;
  const sat: Record<string, GuardMeasurement[]> = { plain: [], guarded: [] };
  const half: Record<string, GuardMeasurement[]> = { plain: [], guarded: [] };
  const order = (r: number) => (r % 2 === 1 ? [plain, guarded] : [guarded, plain]);
  try {
    for (let r = 1; r <= options.runs; r++) {
      for (const s of order(r)) {
        const m = await measureFresh(
          ctx,
          job(ctx, {
            baseUrl: s.origin,
            workload: 'mixed',
            mode: 'closed',
            connections: 32,
            warmupMs: 2000,
            durationMs: options.satS * 1000,
            params: { seed: 200 + r },
          }),
          { stackPid: s.pid },
        );
        sat[s.mode]?.push(m);
        progress(`[overhead saturation ${r}/${options.runs}] ${s.mode}: ${brief(m)}`);
      }
    }
    // half of the plain side's saturation: the same offered load for both
    const rate = Math.max(1, Math.round(medianOf(sat.plain ?? [], goodput) * 0.5));
    for (let r = 1; r <= options.runs; r++) {
      for (const s of order(r + 1)) {
        const m = await measureFresh(
          ctx,
          job(ctx, {
            baseUrl: s.origin,
            workload: 'mixed',
            mode: 'open',
            rate,
            connections: 64,
            warmupMs: 2000,
            durationMs: options.overheadS * 1000,
            params: { seed: 300 + r },
          }),
          { stackPid: s.pid },
        );
        half[s.mode]?.push(m);
        progress(`[overhead at ${rate}/s ${r}/${options.runs}] ${s.mode}: ${brief(m)}`);
      }
    }
    const summary = (mode: 'plain' | 'guarded') => {
      const runsSat = sat[mode] ?? [];
      const runsHalf = half[mode] ?? [];
      return {
        saturation: medianOf(runsSat, goodput),
        saturationRuns: runsSat.map(goodput),
        goodput: medianOf(runsHalf, goodput),
        goodputRuns: runsHalf.map(goodput),
        p50: medianOf(runsHalf, (m) => ms(m.latencyUs.p50)),
        p99: medianOf(runsHalf, (m) => ms(m.latencyUs.p99)),
        errors: sumOf(runsHalf, (m) => m.errors.total),
        late: sumOf(runsHalf, (m) => m.open?.late ?? 0),
        nodeCores: medianOf(runsHalf, (m) => m.stackCores.node ?? 0),
        driverCores: medianOf(runsHalf, (m) => m.driverCpuCores),
      };
    };
    const p = summary('plain');
    const g = summary('guarded');
    const throughputRatio = g.goodput / p.goodput;
    const p50Diff = g.p50 - p.p50;
    const capacityRatio = g.saturation / p.saturation;
    const row = (name: string, s: ReturnType<typeof summary>) =>
      `  ${name.padEnd(8)} ${f1(s.saturation).padStart(8)} (${s.saturationRuns.map((x) => x.toFixed(0)).join(' ')})`.padEnd(
        40,
      ) +
      `${f1(s.goodput).padStart(8)} (${s.goodputRuns.map((x) => x.toFixed(0)).join(' ')})`.padEnd(26) +
      `${f2(s.p50).padStart(7)} ${f2(s.p99).padStart(8)} ${String(s.errors).padStart(6)} ${String(s.late).padStart(5)}   ${f2(s.nodeCores)}/${f2(s.driverCores)}`;
    const lines = [
      `Overhead: the app over the guard (cache off) vs over a plain pg.Pool; mixed workload; ${workers} workers x ${poolSize} connections each side`,
      `  side     saturation 2xx/s (runs), C=32   at ${rate}/s (50% of plain): 2xx/s   p50 ms   p99 ms errors  late   CPU node/driver`,
      row('plain', p),
      row('guarded', g),
      `  throughput at half load: guarded/plain ${pct(throughputRatio)} (must be >= 95%): ${verdict(throughputRatio >= 0.95)}`,
      `  p50 at half load: guarded - plain ${p50Diff >= 0 ? '+' : ''}${f2(p50Diff)} ms (must be <= 1 ms): ${verdict(p50Diff <= 1)}`,
      `  (extra) capacity: guarded/plain saturation ${pct(capacityRatio)}${capacityRatio >= 0.95 ? '' : ' (more than 5% below; not the must-hold, which is at half load)'}`,
    ];
    return {
      lines,
      verdicts: [
        {
          benchmark: 'Overhead',
          check: 'throughput at half load >= 95% of plain',
          ok: throughputRatio >= 0.95,
          value: pct(throughputRatio),
        },
        {
          benchmark: 'Overhead',
          check: 'p50 at half load <= plain + 1 ms',
          ok: p50Diff <= 1,
          value: `${f2(p50Diff)} ms`,
        },
      ],
      data: {
        workers,
        poolSize,
        rate,
        plain: p,
        guarded: g,
        throughputRatio,
        p50Diff,
        capacityRatio,
        sat,
        half,
      },
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

// ---------------------------------------------------------------------------------------------- //
// Spike: 3x the hardened saturation, open model, for `spikeS`.

/** A latency group of the driver's (a status, a code, a workload tag) over the runs. */
export interface GroupLatency {
  count: number;
  p99Ms: number;
  maxMs: number;
}

export interface SpikeSide {
  runs: GuardMeasurement[];
  goodput: number;
  p99Ok: number;
  p99Rejected: number;
  maxRejected: number;
  rejected503: number;
  count500: number;
  otherNon2xx: Record<string, number>;
  clientTimeouts: number;
  statuses: Record<string, number>;
  /** Non-2xx answers by status and error code. */
  codes: Record<string, GroupLatency>;
  /** Answers by the workload's tag and status (`heavy:2xx`, `read:503`, …). */
  byTag: Record<string, GroupLatency>;
  /** Share of the sends that left more than 5 ms after their due time (the driver lagged). */
  lateShare: number;
  /** Median over the runs of the driver's send lag p99 (ms): how much of a latency is the driver's. */
  sendLagP99Ms: number;
  /** Slowest of the runs' openings of all their connections before the load (ms), and failures. */
  preconnect: { ms: number; failed: number };
  /** Median cores used in the window: the stack's node processes, PostgreSQL, the driver. */
  cores: { node: number; postgres: number; driver: number };
  /** The workers' own clock (request read to answer), over the runs including their warm-up. */
  server: { ok: ServerLatency; rejected: ServerLatency };
}

/**
 * One latency group over the runs that have it (a run without it has no p99 to count as 0): the
 * answers summed, the median of the runs' p99 and the slowest of all.
 */
function groupOver(runs: GuardMeasurement[], group: string): GroupLatency {
  const withGroup = runs.filter((m) => m.groups?.[group] !== undefined);
  return {
    count: sumOf(withGroup, (m) => m.groups?.[group]?.count ?? 0),
    p99Ms: medianOf(withGroup, (m) => ms(m.groups?.[group]?.p99 ?? 0)),
    maxMs: Math.max(0, ...withGroup.map((m) => ms(m.groups?.[group]?.max ?? 0))),
  };
}

function spikeSide(runs: GuardMeasurement[], server: SpikeSide['server']): SpikeSide {
  const statuses: Record<string, number> = {};
  for (const m of runs) addCounts(statuses, byStatus(m));
  const otherNon2xx: Record<string, number> = {};
  for (const [k, v] of Object.entries(statuses)) {
    if (k !== '2xx' && k !== '503') otherNon2xx[k] = v;
  }
  const codes: SpikeSide['codes'] = {};
  const codeCounts: Record<string, number> = {};
  for (const m of runs) addCounts(codeCounts, m.codes ?? {});
  for (const [k, count] of Object.entries(codeCounts)) {
    codes[k] = { ...groupOver(runs, `code:${k.split(':')[1] ?? k}`), count };
  }
  const byTag: SpikeSide['byTag'] = {};
  const tagGroups = new Set(runs.flatMap((m) => Object.keys(m.groups ?? {})));
  for (const g of [...tagGroups].sort()) {
    if (!g.startsWith('all:') && !g.startsWith('code:')) byTag[g] = groupOver(runs, g);
  }
  const intended = sumOf(runs, (m) => m.open?.intended ?? 0);
  return {
    runs,
    codes,
    byTag,
    server,
    lateShare: intended > 0 ? sumOf(runs, (m) => m.open?.late ?? 0) / intended : 0,
    sendLagP99Ms: medianOf(runs, (m) => m.open?.sendLagMs.p99 ?? 0),
    preconnect: {
      ms: Math.max(0, ...runs.map((m) => m.open?.preconnected?.ms ?? 0)),
      failed: sumOf(runs, (m) => m.open?.preconnected?.failed ?? 0),
    },
    cores: {
      node: medianOf(runs, (m) => m.stackCores.node ?? 0),
      postgres: medianOf(runs, (m) => m.stackCores.postgres ?? 0),
      driver: medianOf(runs, (m) => m.driverCpuCores),
    },
    goodput: medianOf(runs, goodput),
    p99Ok: medianOf(runs, (m) => ms(m.groups?.['all:2xx']?.p99)),
    p99Rejected: medianOf(runs, (m) => ms(m.groups?.['all:503']?.p99 ?? 0)),
    maxRejected: Math.max(0, ...runs.map((m) => ms(m.groups?.['all:503']?.max ?? 0))),
    rejected503: statuses['503'] ?? 0,
    count500: Object.entries(statuses)
      .filter(([k]) => /^5\d\d$/.test(k) && k !== '503')
      .reduce((a, [, v]) => a + v, 0),
    otherNon2xx,
    // a response later than the client timeout from its due time, a request never sent (too many
    // outstanding) or still unanswered after the drain: all of it is a user giving up
    clientTimeouts: sumOf(runs, (m) => (m.overTimeout ?? 0) + (m.open?.dropped ?? 0)),
    statuses,
  };
}

const SPIKE_CONNECTIONS = 1024;

export async function spike(
  ctx: Ctx,
  saturation: Saturation,
  profile: 'hardened' | 'pre-incident',
  runsWanted: number,
): Promise<SpikeSide> {
  const rate = Math.round(saturation.goodput * 3);
  const runs: GuardMeasurement[] = [];
  const ok: ServerLatency[] = [];
  const rejected: ServerLatency[] = [];
  for (let r = 1; r <= runsWanted; r++) {
    const scrape = () => scrapeServerLatencyOrNone(ctx.opsOrigin);
    const before = await scrape();
    const m = await measureFresh(
      ctx,
      job(ctx, {
        workload: 'mixed',
        mode: 'open',
        rate,
        // enough that the client never queues: rate x the slowest answers the bench expects
        connections: SPIKE_CONNECTIONS,
        // all open before the first request is due, as a crowd of clients would have theirs
        preconnectPath: '/health/live',
        warmupMs: 1000,
        durationMs: ctx.options.spikeS * 1000,
        params: { seed: 400 + r, length: 20_000 },
      }),
      { stackPid: ctx.stackPid },
    );
    const after = await scrape();
    ok.push(latencyBetween(before, after, '2xx'));
    rejected.push(latencyBetween(before, after, '503'));
    runs.push(m);
    progress(`[spike ${r}/${runsWanted}] ${profile} at ${rate}/s: ${brief(m)}`);
  }
  return spikeSide(runs, { ok: mergeLatency(ok), rejected: mergeLatency(rejected) });
}

function serverLine(name: string, l: ServerLatency): string {
  if (l.count === 0) return `no ${name}`;
  const at = (msBound: number) => pct(l.within[msBound] ?? Number.NaN);
  return `${l.count} x ${name}, within 5/10/25/100 ms ${at(5)}/${at(10)}/${at(25)}/${at(100)}`;
}

/** `name count (p99 …, max …)` for each group, the largest first. */
function groupsLine(groups: Record<string, GroupLatency>): string {
  return Object.entries(groups)
    .sort((a, b) => b[1].count - a[1].count)
    .map(([k, v]) => `${k} ${v.count} (p99 ${f1(v.p99Ms)}, max ${f1(v.maxMs)})`)
    .join(', ');
}

export function spikeSection(
  saturation: Saturation,
  hardened: SpikeSide,
  pre: SpikeSide | undefined,
): Section {
  const rate = Math.round(saturation.goodput * 3);
  const satRuns = saturation.runs.map((m) => goodput(m).toFixed(0)).join(' ');
  const h = hardened;
  const goodOk = h.goodput >= 0.9 * saturation.goodput;
  const p99Ok = h.p99Ok <= 250;
  const fast503 = h.maxRejected < 20;
  const only503 = Object.keys(h.otherNon2xx).length === 0;
  const no500 = h.count500 === 0;
  const noTimeouts = h.clientTimeouts === 0;
  const line = (name: string, s: SpikeSide) =>
    `  ${name.padEnd(13)} ${f1(s.goodput).padStart(8)} (${pct(s.goodput / saturation.goodput).padStart(6)}) ${f1(s.p99Ok).padStart(9)} ${f2(s.p99Rejected).padStart(9)} ${f1(s.maxRejected).padStart(8)} ${String(s.rejected503).padStart(7)} ${String(s.count500).padStart(5)} ${String(s.clientTimeouts).padStart(9)}   ${statusLine(s.statuses)}`;
  const lines = [
    `Spike: mixed workload at ${rate}/s offered (3 x ${f1(saturation.goodput)} 2xx/s, the hardened saturation, closed C=${saturation.connections}, runs ${satRuns}), open model, client timeout ${CLIENT_TIMEOUT_MS / 1000} s`,
    `  profile        2xx/s (of sat.)  p99 2xx ms  p99 503 ms  max 503  503s    500s  timeouts   answers by status (summed over runs)`,
    line(`hardened x${h.runs.length}`, h),
    ...(pre ? [line(`pre-incident x${pre.runs.length}`, pre)] : []),
    `  hardened goodput ${f1(h.goodput)} 2xx/s = ${pct(h.goodput / saturation.goodput)} of saturation (must be >= 90%): ${verdict(goodOk)}`,
    `  hardened p99 of 2xx ${f1(h.p99Ok)} ms (must be <= 250 ms): ${verdict(p99Ok)}`,
    `  hardened rejections: ${h.rejected503} x 503, p99 ${f2(h.p99Rejected)} ms, slowest ${f1(h.maxRejected)} ms (every one must be < 20 ms): ${verdict(fast503)}; other non-2xx: ${statusLine(h.otherNon2xx) || 'none'}: ${verdict(only503)}`,
    `  hardened 500s: ${h.count500} (must be 0): ${verdict(no500)}; client timeouts (> ${CLIENT_TIMEOUT_MS / 1000} s, dropped or unanswered): ${h.clientTimeouts} (must be 0): ${verdict(noTimeouts)}`,
    `  hardened non-2xx by code (count, p99 and slowest ms): ${groupsLine(h.codes) || 'none'}`,
    `  hardened by workload class and answer (count, p99 and slowest ms): ${groupsLine(h.byTag) || 'none'}`,
    ...[['hardened', h] as const, ...(pre ? [['pre-incident', pre] as const] : [])].map(
      ([name, s]) =>
        `  ${name}, the workers' own clock (request read to answer, warm-up included): ${serverLine('503', s.server.rejected)}; ${serverLine('2xx', s.server.ok)}`,
    ),
    ...[['hardened', h] as const, ...(pre ? [['pre-incident', pre] as const] : [])].map(
      ([name, s]) =>
        `  ${name}: CPU node/pg/driver ${f2(s.cores.node)}/${f2(s.cores.postgres)}/${f2(s.cores.driver)} cores; ${pct(s.lateShare)} of sends left > 5 ms late, send lag p99 ${f1(s.sendLagP99Ms)} ms${s.lateShare > 0.01 ? ' (the driver was starved of CPU: those latencies include its lag, counted from the due time)' : ''}; ${SPIKE_CONNECTIONS} connections opened before the load (slowest run: ${s.preconnect.ms} ms${s.preconnect.failed > 0 ? `; ${s.preconnect.failed} could not be opened` : ''})`,
    ),
  ];
  if (pre) {
    lines.push(
      `  pre-incident (contrast, same offered load): goodput ${f1(pre.goodput)} 2xx/s (${pct(pre.goodput / saturation.goodput)}), p99 of 2xx ${f1(pre.p99Ok)} ms, 500s ${pre.count500}, client timeouts ${pre.clientTimeouts}`,
    );
  }
  const v = (check: string, ok: boolean, value: string): Verdict => ({
    benchmark: 'Spike',
    check,
    ok,
    value,
  });
  return {
    lines,
    verdicts: [
      v('goodput >= 90% of saturation', goodOk, pct(h.goodput / saturation.goodput)),
      v('p99 of 2xx <= 250 ms', p99Ok, `${f1(h.p99Ok)} ms`),
      v('every 503 < 20 ms', fast503, `max ${f1(h.maxRejected)} ms, p99 ${f2(h.p99Rejected)} ms`),
      v('every rejection a 503', only503, statusLine(h.otherNon2xx) || 'none other'),
      v('no 500s', no500, String(h.count500)),
      v('no client timeouts', noTimeouts, String(h.clientTimeouts)),
    ],
    data: { rate, saturation, hardened: h, preIncident: pre },
  };
}

// ---------------------------------------------------------------------------------------------- //
// Isolation: the critical class alone, then with the heavy class driven past its share.

/** The route templates of the critical workload (bench/guard-workloads.ts). */
const CRITICAL_ROUTES: ReadonlySet<string> = new Set(['/api/articles/:slug', '/api/articles/:slug/comments']);

export async function isolation(ctx: Ctx): Promise<Section> {
  const { options } = ctx;
  const heavySat = await measureFresh(
    ctx,
    job(ctx, {
      workload: 'heavy',
      mode: 'closed',
      connections: 16,
      warmupMs: 1000,
      durationMs: options.satS * 1000,
      params: { seed: 500 },
    }),
    { stackPid: ctx.stackPid },
  );
  progress(`[isolation] heavy class saturation, closed C=16: ${brief(heavySat)}`);
  // offered twice what the heavy class can be served at: its queue stands, its share is exceeded
  const heavyRate = Math.max(20, Math.round(2 * goodput(heavySat)));
  const criticalRate = options.criticalRate;
  const warmupS = 2;
  const perPhase = Math.ceil(criticalRate * (warmupS + options.isolationS + 1));
  const unloaded: GuardMeasurement[] = [];
  const loaded: GuardMeasurement[] = [];
  const heavy: GuardMeasurement[] = [];
  const criticalJob = (phase: number) =>
    job(ctx, {
      workload: 'critical',
      mode: 'open',
      rate: criticalRate,
      connections: 64,
      warmupMs: warmupS * 1000,
      durationMs: options.isolationS * 1000,
      params: { seed: 600 + phase, coldFrom: phase * perPhase, length: perPhase },
    });
  // The critical routes' own clock in the workers, beside the driver's: says whether a slow critical
  // answer waited inside a worker or before a worker had read it (CPU the driver and stack share).
  const scrape = () => scrapeServerLatencyOrNone(ctx.opsOrigin, CRITICAL_ROUTES);
  const serverAlone: ServerLatency[] = [];
  const serverLoaded: ServerLatency[] = [];
  let phase = 0;
  for (let r = 1; r <= options.runs; r++) {
    let before = await scrape();
    const u = await measureFresh(ctx, criticalJob(phase++), { stackPid: ctx.stackPid });
    serverAlone.push(latencyBetween(before, await scrape(), '2xx'));
    unloaded.push(u);
    progress(`[isolation ${r}/${options.runs}] critical alone at ${criticalRate}/s: ${brief(u)}`);
    await removeBenchComments(ctx.dataDir, ctx.databasePort);
    before = await scrape();
    const [h, c] = await Promise.all([
      measure(
        job(ctx, {
          workload: 'heavy',
          mode: 'open',
          rate: heavyRate,
          connections: 128,
          warmupMs: 1000,
          durationMs: (warmupS + options.isolationS + 1) * 1000,
          params: { seed: 700 + r },
        }),
      ),
      measure(criticalJob(phase++), { stackPid: ctx.stackPid }),
    ]);
    serverLoaded.push(latencyBetween(before, await scrape(), '2xx'));
    heavy.push(h);
    loaded.push(c);
    progress(`[isolation ${r}/${options.runs}] heavy at ${heavyRate}/s: ${brief(h)}`);
    progress(`[isolation ${r}/${options.runs}] critical at ${criticalRate}/s beside it: ${brief(c)}`);
    await new Promise((res) => setTimeout(res, 2000));
  }
  const p99 = (runs: GuardMeasurement[]) => medianOf(runs, (m) => ms(m.latencyUs.p99));
  const p50 = (runs: GuardMeasurement[]) => medianOf(runs, (m) => ms(m.latencyUs.p50));
  const u99 = p99(unloaded);
  const l99 = p99(loaded);
  const ratio = l99 / u99;
  const criticalErrors = sumOf(loaded, (m) => m.errors.total);
  const heavyStatuses: Record<string, number> = {};
  for (const m of heavy) addCounts(heavyStatuses, byStatus(m));
  const runsP99 = (runs: GuardMeasurement[]) => runs.map((m) => f1(ms(m.latencyUs.p99))).join(' ');
  const lines = [
    `Isolation: critical class (article by slug, uncached, and a comment posted, 3:1) at ${criticalRate}/s, alone and beside the heavy class (deep listings, by tag, feed) at ${heavyRate}/s (2 x its saturation ${f1(goodput(heavySat))} 2xx/s, closed C=16)`,
    `  critical          p50 ms   p99 ms (runs)            non-2xx   CPU node/pg`,
    `  alone         ${f2(p50(unloaded)).padStart(8)} ${f2(u99).padStart(8)} (${runsP99(unloaded)})`.padEnd(
      55,
    ) +
      `${String(sumOf(unloaded, (m) => m.errors.total)).padStart(6)}   ${f2(medianOf(unloaded, (m) => m.stackCores.node ?? 0))}/${f2(medianOf(unloaded, (m) => m.stackCores.postgres ?? 0))}`,
    `  heavy overload${f2(p50(loaded)).padStart(8)} ${f2(l99).padStart(8)} (${runsP99(loaded)})`.padEnd(55) +
      `${String(criticalErrors).padStart(6)}   ${f2(medianOf(loaded, (m) => m.stackCores.node ?? 0))}/${f2(medianOf(loaded, (m) => m.stackCores.postgres ?? 0))}`,
    `  heavy class while overloaded: ${f1(medianOf(heavy, goodput))} 2xx/s of ${heavyRate}/s offered; answers ${statusLine(heavyStatuses)}`,
    `  critical, the workers' own clock (request read to answer, warm-up included): alone ${serverLine('2xx', mergeLatency(serverAlone))}; beside heavy ${serverLine('2xx', mergeLatency(serverLoaded))}`,
    `  critical p99 loaded/unloaded ${f2(ratio)}x (must be <= 2x): ${verdict(ratio <= 2)}; critical non-2xx under overload: ${criticalErrors}`,
  ];
  return {
    lines,
    verdicts: [
      {
        benchmark: 'Isolation',
        check: 'critical p99 under heavy overload <= 2x unloaded',
        ok: ratio <= 2,
        value: `${f2(ratio)}x (${f1(u99)} -> ${f1(l99)} ms)`,
      },
    ],
    data: { criticalRate, heavyRate, heavySaturation: heavySat, unloaded, loaded, heavy, ratio },
  };
}

// ---------------------------------------------------------------------------------------------- //
// Faults: the database restarted under load.

export type { Restart };

export interface FaultsOutcome {
  section: Section;
  /** The last restarted postmaster, a child of this process: stop it after the stack. */
  restart?: Restart;
}

export async function faults(ctx: Ctx, saturation: Saturation): Promise<FaultsOutcome> {
  const { options } = ctx;
  const rate = Math.max(10, Math.round(saturation.goodput * 0.5));
  const url = databaseUrl(ctx.dataDir, ctx.databasePort);
  const bucketMs = 100;
  const killAfterMs = 4000;
  const results: {
    m: GuardMeasurement;
    restart: Restart;
    recovery: Recovery;
    sameProcesses: boolean;
    before: number[];
    after: number[];
  }[] = [];
  let last: Restart | undefined;
  const crashNotes: string[] = [];
  for (let r = 1; r <= options.runs; r++) {
    const before = stackNodeProcesses(ctx.stackPid);
    let measureStart = 0;
    let restarting: Promise<Restart> | undefined;
    const m = await measureFresh(
      ctx,
      job(ctx, {
        workload: 'mixed',
        mode: 'open',
        rate,
        connections: 128,
        warmupMs: 1000,
        durationMs: options.faultS * 1000,
        timelineMs: bucketMs,
        params: { seed: 800 + r },
      }),
      {
        stackPid: ctx.stackPid,
        onMeasureStart: () => {
          measureStart = Date.now();
          restarting = new Promise<Restart>((res, rej) =>
            setTimeout(() => restartPostgres(ctx.dataDir, url, options.downMs).then(res, rej), killAfterMs),
          );
        },
      },
    );
    if (!restarting) throw new Error('the driver never opened its window');
    const restart = await restarting;
    last = restart;
    const after = stackNodeProcesses(ctx.stackPid);
    const sameProcesses =
      before.size > 0 && [...before.keys()].every((pid) => after.has(pid)) && after.size === before.size;
    const recovery = analyzeRecovery(
      m.timeline ?? [],
      bucketMs,
      restart,
      measureStart + options.faultS * 1000,
    );
    if (!sameProcesses) {
      const said = ctx
        .stackStderr()
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.includes('"request failed"'))
        .slice(-30);
      progress(
        `[faults ${r}/${options.runs}] a stack process changed; the stack's last words on stderr:\n${said.map((l) => `    ${l.slice(0, 400)}`).join('\n')}`,
      );
      crashNotes.push(...said);
    }
    results.push({
      m,
      restart,
      recovery,
      sameProcesses,
      before: [...before.keys()],
      after: [...after.keys()],
    });
    progress(
      `[faults ${r}/${options.runs}] db down ${restart.backAt - restart.killAt} ms (pid ${restart.oldPid} -> ${restart.newPid}); first 2xx +${recovery.firstOkMs} ms, first write 2xx +${recovery.firstWriteOkMs} ms, errors < 1% from +${recovery.recoveredMs} ms; outage answers ${statusLine(recovery.outageByStatus)}; processes unchanged: ${sameProcesses}`,
    );
  }
  const recs = results.map((x) => x.recovery);
  const worst = (f: (r: Recovery) => number | null) => {
    const v = recs.map(f);
    return v.some((x) => x === null) ? null : Math.max(...(v as number[]));
  };
  const med = (f: (r: Recovery) => number | null) => {
    const v = recs.map(f).filter((x): x is number => x !== null);
    return v.length === recs.length ? ([...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? null) : null;
  };
  const recoveredWorst = worst((r) => r.recoveredMs);
  const outage: Record<string, number> = {};
  for (const r of recs) addCounts(outage, r.outageByStatus);
  const non503 = Object.entries(outage).filter(([k]) => k !== '503');
  const allProcesses = results.every((x) => x.sameProcesses);
  const recoverOk = recoveredWorst !== null && recoveredWorst <= 5000;
  const fmt = (v: number | null | undefined) =>
    v === null || v === undefined ? 'never' : `${(v / 1000).toFixed(2)} s`;
  const lines = [
    `Faults: PostgreSQL fast-shutdown (SIGINT), down ${options.downMs / 1000} s, started again, ${killAfterMs / 1000} s into a ${options.faultS} s window of the mixed workload at ${rate}/s (50% of saturation); ${results.length} run(s)`,
    `  run  down for   first 2xx   first write 2xx   errors < 1% from   outage answers (non-2xx)           stack processes`,
    ...results.map(
      (x, i) =>
        `  ${String(i + 1).padEnd(4)} ${`${((x.restart.backAt - x.restart.killAt) / 1000).toFixed(2)} s`.padEnd(10)} ${fmt(x.recovery.firstOkMs).padEnd(11)} ${fmt(x.recovery.firstWriteOkMs).padEnd(17)} ${fmt(x.recovery.recoveredMs).padEnd(18)} ${(statusLine(x.recovery.outageByStatus) || 'none').padEnd(34)} ${x.sameProcesses ? `same ${x.before.length} pids` : `CHANGED ${x.before.join(',')} -> ${x.after.join(',')}`}`,
    ),
    `  times are from the database accepting connections again; "errors < 1%" is the point after which every 1 s window has under 1% non-2xx answers`,
    `  before the restart (the baseline of this load): ${results.map((x) => `${x.recovery.beforeErrors} non-2xx of ${x.recovery.beforeTotal} (${pct(x.recovery.beforeErrors / Math.max(1, x.recovery.beforeTotal))})`).join('; ')}`,
    `  recovery (worst of runs) ${fmt(recoveredWorst)}, median ${fmt(med((r) => r.recoveredMs))} (must be <= 5 s): ${verdict(recoverOk)}`,
    `  no stack process crashed (supervisor and workers the same pids): ${verdict(allProcesses)}`,
    `  errors during the outage: ${statusLine(outage) || 'none'} (all must be 503): ${verdict(non503.length === 0)}`,
  ];
  return {
    restart: last,
    section: {
      lines,
      verdicts: [
        {
          benchmark: 'Faults',
          check: 'error rate < 1% within 5 s of the database back',
          ok: recoverOk,
          value: fmt(recoveredWorst),
        },
        {
          benchmark: 'Faults',
          check: 'no stack process crashed',
          ok: allProcesses,
          value: allProcesses ? 'same pids' : 'changed',
        },
        {
          benchmark: 'Faults',
          check: 'outage errors are all 503',
          ok: non503.length === 0,
          value: statusLine(outage) || 'none',
        },
      ],
      data: { rate, killAfterMs, downMs: options.downMs, runs: results, crashNotes },
    },
  };
}
