// Adds up the tallies of several generator processes into one result. Users are split among the
// processes (each owns the ids congruent to its index), so user counts simply add.
import { cpus, loadavg } from 'node:os';
import { type EngineResult, LATE_THRESHOLD_MS } from './engine.js';
import { phaseWindows, rateAt, totalMs } from './executors.js';
import { encodeHistogram, mergeEncoded, summarize } from './histogram.js';
import type { Degradation, GroupStats, LoadResult, PhaseStats, Slice, UserStats } from './result-types.js';
import type { Scenario } from './scenario-types.js';
import type { GroupDump, UsersDump } from './tally.js';

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

function group(dumps: readonly GroupDump[]): GroupStats {
  const byStatus: Record<string, number> = {};
  for (const d of dumps) addCounts(byStatus, d.byStatus);
  const latency = mergeEncoded(dumps.map((d) => d.latency));
  const service = mergeEncoded(dumps.map((d) => d.service));
  return {
    requests: dumps.reduce((a, d) => a + d.requests, 0),
    ok: dumps.reduce((a, d) => a + d.ok, 0),
    slow: dumps.reduce((a, d) => a + d.slow, 0),
    byStatus,
    latency: summarize(latency),
    service: summarize(service),
  };
}

function users(dumps: readonly UsersDump[]): UserStats {
  const active = dumps.reduce((a, d) => a + d.active, 0);
  const affected = dumps.reduce((a, d) => a + d.affected, 0);
  return { active, affected, share: active > 0 ? affected / active : 0 };
}

const defined = <T>(x: T | undefined): x is T => x !== undefined;

export interface MergeInput {
  scenario: Scenario;
  target: string;
  startedAt: Date;
  durationMs: number;
  loadAverageAtStart: number;
  results: EngineResult[];
}

export function mergeResults(input: MergeInput): Omit<LoadResult, 'thresholds'> {
  const { scenario: sc, results } = input;
  const tallies = results.map((r) => r.tally);
  const end = totalMs(sc.stages);
  const sliceCount = Math.ceil(end / 1000);
  const timeline: Slice[] = [];
  for (let t = 0; t < sliceCount; t++) {
    const parts = tallies.map((x) => x.slices[t]).filter(defined);
    const byStatus: Record<string, number> = {};
    for (const p of parts) addCounts(byStatus, p.byStatus);
    const h = summarize(mergeEncoded(parts.map((p) => p.latency)));
    timeline.push({
      t,
      targetRate: Math.round(rateAt(sc.stages, Math.min(end - 1, t * 1000 + 500)) * 10) / 10,
      intended: parts.reduce((a, p) => a + p.intended, 0),
      sent: parts.reduce((a, p) => a + p.sent, 0),
      late: parts.reduce((a, p) => a + p.late, 0),
      ok: parts.reduce((a, p) => a + p.ok, 0),
      slow: parts.reduce((a, p) => a + p.slow, 0),
      slowServed: parts.reduce((a, p) => a + p.slowServed, 0),
      byStatus,
      p50: h.p50,
      p90: h.p90,
      p99: h.p99,
      max: h.max,
      users: users(parts.map((p) => p.users)),
    });
  }
  const phases: PhaseStats[] = phaseWindows(sc.stages).map((w) => {
    const parts = tallies.map((x) => x.byPhase[w.phase]).filter(defined);
    const g = group(parts);
    const fromS = w.fromMs / 1000;
    const toS = w.toMs / 1000;
    const inPhase = timeline.filter((s) => s.t >= Math.floor(fromS) && s.t < Math.ceil(toS));
    return {
      phase: w.phase,
      fromS,
      toS,
      ...g,
      users: users(parts.map((p) => p.users)),
      goodput: toS > fromS ? g.ok / (toS - fromS) : 0,
      peakSliceShare: inPhase.reduce((a, s) => Math.max(a, s.users.share), 0),
    };
  });
  const names = new Set(tallies.flatMap((x) => Object.keys(x.byName)));
  const byName: Record<string, GroupStats> = {};
  for (const n of [...names].sort()) byName[n] = group(tallies.map((x) => x.byName[n]).filter(defined));
  const threshold = sc.objective.degradedAbove;
  const degraded = timeline.filter((s) => s.users.active > 0 && s.users.share > threshold);
  const degradation: Degradation = {
    threshold,
    degradedSlices: degraded.length,
    firstS: degraded[0]?.t ?? null,
    lastS: degraded[degraded.length - 1]?.t ?? null,
    durationS: degraded.length > 0 ? (degraded[degraded.length - 1]?.t ?? 0) - (degraded[0]?.t ?? 0) + 1 : 0,
  };
  const stats = results.map((r) => r.stats);
  const sum = (f: (s: (typeof stats)[number]) => number) => stats.reduce((a, s) => a + f(s), 0);
  const intended = sum((s) => s.intended);
  const late = sum((s) => s.late);
  const dropped = sum((s) => s.dropped);
  const totalLatency = mergeEncoded(tallies.map((x) => x.total.latency));
  const totalService = mergeEncoded(tallies.map((x) => x.total.service));
  const total = group(tallies.map((x) => x.total));
  const errorCodes: Record<string, number> = {};
  for (const x of tallies) addCounts(errorCodes, x.codes);
  return {
    kind: 'bulwark-load-result',
    version: 1,
    scenario: {
      name: sc.name,
      description: sc.description,
      executor: sc.executor,
      stages: sc.stages,
      objective: sc.objective,
    },
    target: input.target,
    startedAt: input.startedAt.toISOString(),
    durationMs: Math.round(input.durationMs),
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      loadAverage1mAtStart: Math.round(input.loadAverageAtStart * 100) / 100,
      loadAverage1mAtEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    },
    total,
    errorCodes,
    users: users(tallies.map((x) => x.users)),
    perUser: tallies.flatMap((x) => x.perUser).sort((a, b) => a.user - b.user),
    goodput: end > 0 ? total.ok / (end / 1000) : 0,
    byName,
    phases,
    timeline,
    degradation,
    generator: {
      processes: results.length,
      intended,
      sent: sum((s) => s.sent),
      late,
      lateThresholdMs: LATE_THRESHOLD_MS,
      maxSendLagMs: stats.reduce((a, s) => Math.max(a, s.maxSendLagMs), 0),
      dropped,
      unfinished: sum((s) => s.unfinished),
      cpuCores: stats.map((s) => s.cpuCores),
      nice: stats.map((s) => s.nice),
      eventLoopP99Ms: stats.reduce((a, s) => Math.max(a, s.eventLoopP99Ms), 0),
      keptRate: dropped === 0 && (intended === 0 || late / intended <= 0.01),
    },
    histograms: { latency: encodeHistogram(totalLatency), service: encodeHistogram(totalService) },
  };
}
