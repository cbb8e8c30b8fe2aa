// Shared pieces of the guard benchmark: options, jobs, and reading a driver's result.
import { parseArgs } from 'node:util';
import type { GuardDriverResult, GuardJob } from './guard-protocol.js';
import { median } from './report.js';
import { type Measurement, runDriver } from './run-driver.js';

export const BENCHMARKS = ['overhead', 'spike', 'isolation', 'faults'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export interface GuardOptions {
  quick: boolean;
  runs: number;
  /** Seconds of each saturation measurement (closed model). */
  satS: number;
  overheadS: number;
  spikeS: number;
  isolationS: number;
  faultS: number;
  /** How long the database stays down in the Faults benchmark. */
  downMs: number;
  criticalRate: number;
  only: BenchmarkName[];
  workers?: number;
  dataDir: string;
  /** Every stack process writes a V8 CPU profile of its life under `<dir>/<profile>/`. */
  cpuProfileDir?: string;
  help: boolean;
}

export const GUARD_USAGE = `npm run bench:guard [-- options]

  --quick            a smoke run of about two minutes: 1 run each, spike 30 s, short windows
  --runs N           repetitions (medians shown) of every measurement but the pre-incident spike (default 3)
  --spike S          seconds of offered load at 3x saturation (default 60; quick 30)
  --only LIST        benchmarks to run: overhead,spike,isolation,faults (default all)
  --workers N        HTTP workers of the stack and of the overhead servers (default: one per core)
  --data-dir DIR     the stack's data directory, seeded on first use (default .bulwark/bench-guard;
                     its own, because this benchmark restarts its database and drops indexes)
  --critical-rate R  requests/s of the critical class in the Isolation benchmark (default 40)
  --cpu-profile DIR  start every stack process with --cpu-prof: profiles of each stack's whole life
                     in DIR/hardened and DIR/pre-incident (read them with bench/profile-top.ts)
  --help`;

export function parseGuardOptions(argv: string[]): GuardOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      spike: { type: 'string' },
      only: { type: 'string' },
      workers: { type: 'string' },
      'data-dir': { type: 'string' },
      'critical-rate': { type: 'string' },
      'cpu-profile': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const num = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
    return n;
  };
  const quick = values.quick ?? false;
  const only = (values.only ?? BENCHMARKS.join(',')).split(',').map((b) => {
    if (!(BENCHMARKS as readonly string[]).includes(b)) throw new Error(`--only: unknown benchmark "${b}"`);
    return b as BenchmarkName;
  });
  return {
    quick,
    runs: Math.round(num('runs', values.runs, quick ? 1 : 3)),
    satS: quick ? 4 : 8,
    overheadS: quick ? 5 : 10,
    spikeS: num('spike', values.spike, quick ? 30 : 60),
    isolationS: quick ? 5 : 10,
    faultS: quick ? 14 : 18,
    downMs: 2000,
    criticalRate: num('critical-rate', values['critical-rate'], 40),
    only,
    workers: values.workers === undefined ? undefined : Math.round(num('workers', values.workers, 1)),
    dataDir: values['data-dir'] ?? '.bulwark/bench-guard',
    ...(values['cpu-profile'] === undefined ? {} : { cpuProfileDir: values['cpu-profile'] }),
    help: values.help ?? false,
  };
}

export type GuardMeasurement = Measurement & GuardDriverResult;

export const progress = (text: string) => process.stderr.write(`${text}\n`);

export async function measure(
  job: GuardJob,
  hooks: { stackPid?: number; onMeasureStart?: () => void } = {},
): Promise<GuardMeasurement> {
  return (await runDriver(job, hooks)) as GuardMeasurement;
}

/** 2xx answers per second of the window. */
export function goodput(m: GuardMeasurement): number {
  const ok = m.groups?.['all:2xx']?.count ?? 0;
  return m.measuredMs > 0 ? ok / (m.measuredMs / 1000) : 0;
}

/** Answers by status key ("2xx", "503", "UND_ERR_HEADERS_TIMEOUT", …) over the window. */
export function byStatus(m: GuardMeasurement): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m.groups ?? {})) {
    if (k.startsWith('all:')) out[k.slice(4)] = v.count;
  }
  if (m.open?.dropped) out.dropped = m.open.dropped;
  return out;
}

/** Sum of `f` over the runs, and the median of `g`. */
export const sumOf = (runs: GuardMeasurement[], f: (m: GuardMeasurement) => number) =>
  runs.reduce((a, m) => a + f(m), 0);
export const medianOf = (runs: GuardMeasurement[], f: (m: GuardMeasurement) => number) => median(runs.map(f));

export const ms = (us: number | undefined) => (us === undefined ? NaN : us / 1000);
export const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
export const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
export const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : '-');
export const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

/** "503 1203, 2xx 4000": a status breakdown, largest first. */
export function statusLine(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

export function addCounts(
  into: Record<string, number>,
  from: Record<string, number>,
): Record<string, number> {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  return into;
}
