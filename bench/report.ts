import type { Measurement } from './run-driver.js';

/** The medians over the repeated runs of one measurement (latencies in ms; errors summed). */
export interface RunsSummary {
  runs: number;
  throughput: number;
  /** Every run's throughput, in order, so the spread is visible. */
  throughputs: number[];
  journeysPerSec?: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** Errors summed over the runs, by kind. */
  errors: number;
  errorKinds: Record<string, number>;
  achievedRate?: number;
  late?: number;
  dropped?: number;
  unfinished?: number;
  queuedAtSend?: number;
  driverCpuCores: number;
  stackNodeCores: number;
  stackPostgresCores: number;
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const r1 = (n: number) => Math.round(n * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;

export function summarizeRuns(runs: Measurement[]): RunsSummary {
  const med = (f: (m: Measurement) => number) => median(runs.map(f));
  const sum = (f: (m: Measurement) => number) => runs.reduce((a, m) => a + f(m), 0);
  const errorKinds: Record<string, number> = {};
  for (const m of runs) {
    for (const [k, v] of Object.entries(m.errors.byKind)) errorKinds[k] = (errorKinds[k] ?? 0) + v;
  }
  const summary: RunsSummary = {
    runs: runs.length,
    throughput: r1(med((m) => m.throughput)),
    throughputs: runs.map((m) => r1(m.throughput)),
    p50Ms: r2(med((m) => m.latencyUs.p50) / 1000),
    p99Ms: r2(med((m) => m.latencyUs.p99) / 1000),
    p999Ms: r2(med((m) => m.latencyUs.p999) / 1000),
    maxMs: r2(med((m) => m.latencyUs.max) / 1000),
    errors: sum((m) => m.errors.total),
    errorKinds,
    driverCpuCores: r2(med((m) => m.driverCpuCores)),
    stackNodeCores: r2(med((m) => m.stackCores.node ?? 0)),
    stackPostgresCores: r2(med((m) => m.stackCores.postgres ?? 0)),
  };
  if (runs.every((m) => m.journeysPerSec !== undefined)) {
    summary.journeysPerSec = r2(med((m) => m.journeysPerSec ?? 0));
  }
  if (runs.every((m) => m.open !== undefined)) {
    summary.achievedRate = r1(med((m) => m.open?.achievedRate ?? 0));
    summary.late = sum((m) => m.open?.late ?? 0);
    summary.dropped = sum((m) => m.open?.dropped ?? 0);
    summary.unfinished = sum((m) => m.open?.unfinished ?? 0);
    summary.queuedAtSend = sum((m) => m.open?.queuedAtSend ?? 0);
  }
  return summary;
}

export interface Row {
  what: string;
  model: string;
  summary: RunsSummary;
  connections: number;
  rate?: number;
  best?: boolean;
}

const COLUMNS = [
  'workload',
  'model',
  'conns',
  'target/s',
  'req/s (median)',
  'runs req/s',
  'journeys/s',
  'p50 ms',
  'p99 ms',
  'p99.9 ms',
  'max ms',
  'errors',
  'late/dropped/unfin.',
  'CPU node/pg/driver',
] as const;

/** The results as an aligned text table, one line per measurement (medians over the runs). */
export function table(rows: Row[]): string {
  const cells = rows.map((row) => {
    const s = row.summary;
    const open = s.achievedRate !== undefined;
    return [
      row.what,
      row.model,
      `${row.connections}${row.best ? '*' : ''}`,
      row.rate === undefined ? '-' : row.rate.toFixed(1),
      open ? `${s.throughput.toFixed(1)} (sent ${s.achievedRate?.toFixed(1)})` : s.throughput.toFixed(1),
      s.throughputs.map((t) => t.toFixed(0)).join(' '),
      s.journeysPerSec === undefined ? '-' : s.journeysPerSec.toFixed(2),
      s.p50Ms.toFixed(2),
      s.p99Ms.toFixed(2),
      s.p999Ms.toFixed(2),
      s.maxMs.toFixed(1),
      String(s.errors),
      open ? `${s.late}/${s.dropped}/${s.unfinished}` : '-',
      `${s.stackNodeCores.toFixed(2)}/${s.stackPostgresCores.toFixed(2)}/${s.driverCpuCores.toFixed(2)}`,
    ];
  });
  const all = [[...COLUMNS], ...cells];
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(all[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
