import { parseArgs } from 'node:util';

export interface BenchOptions {
  runs: number;
  /** Measured seconds of each saturation and fixed-rate measurement. */
  durationS: number;
  /** Warm-up seconds before each saturation measurement (fixed-rate ones: `openWarmupS`). */
  warmupS: number;
  openWarmupS: number;
  /** Measured seconds of the generator-ceiling measurement. */
  ceilingS: number;
  connections: number[];
  /** Fixed-rate measurements run at this fraction of the best saturation throughput... */
  rateFraction: number;
  /** ...unless a rate (requests/s) is given for the workload. */
  rateS1?: number;
  rateS2?: number;
  only: ('s1' | 's2')[];
  auth: boolean;
  workers?: number;
  dataDir: string;
  fresh: boolean;
  quick: boolean;
  selfCheck: boolean;
  help: boolean;
}

export const USAGE = `npm run bench [-- options]

  --runs N            repetitions of every measurement; the report gives medians (default 3; quick 1)
  --duration S        measured seconds per measurement (default 15; quick 3)
  --warmup S          warm-up seconds before each saturation measurement (default 3; quick 1)
  --connections LIST  closed-model concurrencies to try, the best is reported (default 16,64)
  --rate-fraction F   fixed arrival rate as a fraction of the best saturation throughput (default 0.25)
  --rate-s1 R         fixed arrival rate for S1 in requests/s (instead of the fraction)
  --rate-s2 R         fixed arrival rate for S2 in requests/s (instead of the fraction)
  --only LIST         workloads to run: s1,s2 (default both)
  --auth              log in as a demo user (user1@demo.conduit.example) and send its token
  --workers N         HTTP workers of the stack (default: the stack's own, one per core)
  --data-dir DIR      the bench stack's data directory, seeded once and reused (default .bulwark/bench)
  --fresh             delete the data directory first, so the demo dataset is seeded again
  --quick             a smoke run of about a minute: 1 run, short measurements
  --self-check        check the load driver against a trivial server (20 ms delay, 1 s stall) and exit
  --help`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      runs: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'rate-fraction': { type: 'string' },
      'rate-s1': { type: 'string' },
      'rate-s2': { type: 'string' },
      only: { type: 'string' },
      auth: { type: 'boolean', default: false },
      workers: { type: 'string' },
      'data-dir': { type: 'string' },
      fresh: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      'self-check': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const quick = values.quick ?? false;
  const durationS = positive('duration', values.duration, quick ? 3 : 15);
  const connections = (values.connections ?? '16,64').split(',').map((c) => positive('connections', c, 0));
  const only = (values.only ?? 's1,s2').split(',').map((w) => {
    if (w !== 's1' && w !== 's2') throw new Error(`--only takes s1 and/or s2, got "${w}"`);
    return w;
  });
  return {
    runs: Math.round(positive('runs', values.runs, quick ? 1 : 3)),
    durationS,
    warmupS: positive('warmup', values.warmup, quick ? 1 : 3),
    openWarmupS: 1,
    ceilingS: Math.min(durationS, 3),
    connections: connections.map(Math.round),
    rateFraction: positive('rate-fraction', values['rate-fraction'], 0.25),
    rateS1: values['rate-s1'] === undefined ? undefined : positive('rate-s1', values['rate-s1'], 0),
    rateS2: values['rate-s2'] === undefined ? undefined : positive('rate-s2', values['rate-s2'], 0),
    only,
    auth: values.auth ?? false,
    workers: values.workers === undefined ? undefined : Math.round(positive('workers', values.workers, 0)),
    dataDir: values['data-dir'] ?? '.bulwark/bench',
    fresh: values.fresh ?? false,
    quick,
    selfCheck: values['self-check'] ?? false,
    help: values.help ?? false,
  };
}
