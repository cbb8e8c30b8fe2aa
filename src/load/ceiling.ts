// The generator's own ceiling on this machine: the highest constant rate one generator process keeps
// against a trivial server (a small constant body), stepping the rate up until it can no longer.
// Past it, a run's numbers measure the generator, not the service.
import { runScenario } from './coordinator.js';
import type { LoadResult } from './result-types.js';
import { emptyFixtures, simpleScenario } from './simple-scenario.js';
import { startTrivialServer } from './trivial-server.js';

const MAX_LAG_MS = 200;

export interface CeilingStep {
  rate: number;
  maxSendLagMs: number;
  /** Answers per second over the step. */
  answered: number;
  lateShare: number;
  dropped: number;
  errors: number;
  p99Ms: number;
  cpuCores: number;
  kept: boolean;
}

export interface Ceiling {
  /** The highest rate kept, requests/s (0 when not even the first step was). */
  rate: number;
  processes: number;
  steps: CeilingStep[];
}

/**
 * A step is kept when the send lag stayed bounded (never more than 200 ms behind: below its ceiling a
 * generator catches up after each stall of the machine, above it the backlog grows for the whole
 * step), none was dropped, and every request was answered 2xx. The share of sends later than 10 ms
 * is reported beside it: on a busy shared machine, stalls of the whole machine make some late at any rate.
 */
function step(rate: number, r: LoadResult): CeilingStep {
  const g = r.generator;
  const lateShare = g.intended > 0 ? g.late / g.intended : 1;
  const errors = r.total.requests - r.total.ok;
  const seconds = r.scenario.stages.reduce((a, s) => a + s.durationMs, 0) / 1000;
  return {
    rate,
    answered: Math.round(r.total.ok / seconds),
    lateShare,
    maxSendLagMs: g.maxSendLagMs,
    dropped: g.dropped,
    errors,
    p99Ms: r.total.latency.p99,
    cpuCores: g.cpuCores.reduce((a, c) => a + c, 0),
    kept: g.maxSendLagMs <= MAX_LAG_MS && g.dropped === 0 && errors === 0 && r.total.ok >= g.intended * 0.99,
  };
}

export async function measureCeiling(
  o: { rates?: number[]; stepMs?: number; processes?: number; onStep?: (s: CeilingStep) => void } = {},
): Promise<Ceiling> {
  const rates = o.rates ?? [1000, 2500, 5000, 7500, 10_000, 12_500, 15_000, 20_000];
  const processes = o.processes ?? 1;
  const server = await startTrivialServer(0);
  const steps: CeilingStep[] = [];
  try {
    for (const rate of rates) {
      const r = await runScenario({
        baseUrl: server.origin,
        scenario: simpleScenario({ rate, durationMs: o.stepMs ?? 5000, connections: 64, drainMs: 5000 }),
        fixtures: emptyFixtures(),
        processes,
      });
      const s = step(rate, r);
      steps.push(s);
      o.onStep?.(s);
      if (!s.kept) break;
    }
  } finally {
    await server.stop();
  }
  const kept = steps.filter((s) => s.kept);
  return { rate: kept.length > 0 ? Math.max(...kept.map((s) => s.rate)) : 0, processes, steps };
}
