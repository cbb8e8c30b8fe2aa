// The cost of telemetry: the same stack with telemetry off (`--telemetry.enabled false`) and all of it
// on (metrics with /metrics scraped every 5 s, one JSON log line per request at level info, OTLP
// traces to a local receiver: one request in ten, or every one with `all-traces`), in the same run,
// interleaved, medians of several runs. Workload: `mixed` (the guard benchmark's realistic mix:
// 30% heavy lists, 55% reads, 15% writes by signed-in users; the default) or `s2` (the reader's
// journey, mostly cache hits). Two measurements per start: saturation (closed model, C loops) for
// throughput, and a fixed moderate rate (open model) for latency and the stack's CPU per request.
//   npm run bench:telemetry -- [--runs 3] [--duration 15000] [--connections 16] [--rate-share 0.25]
//                              [--workload mixed|s2] [--variants off,on,all-traces,no-traces,no-logs]
//                              [--profile DIR]
// `--profile DIR`: every stack process (supervisor, workers) writes a V8 CPU profile of its whole
// life at exit, into DIR/<run>-<variant>/ (open them in Chrome's DevTools, Performance panel).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gatherFixtures } from './guard-fixtures.js';
import type { GuardJob } from './guard-protocol.js';
import { describeMachine, machineLine } from './machine.js';
import { JOB_DEFAULTS, type Measurement, runDriver } from './run-driver.js';
import { freePort, startStack } from './stack.js';

// on: metrics, logs, and traces of one request in ten (OTEL_TRACES_SAMPLER=parentbased_traceidratio,
// the usual production setting); all-traces: every request traced; no-traces, no-logs: one part off.
const ALL_VARIANTS = ['off', 'on', 'all-traces', 'no-traces', 'no-logs'] as const;
type Variant = (typeof ALL_VARIANTS)[number];
/** `--variants off,on,no-traces`: which configurations to compare (default off and on). */
const VARIANTS: readonly Variant[] = (() => {
  const i = process.argv.indexOf('--variants');
  const list = (i >= 0 ? String(process.argv[i + 1]) : 'off,on').split(',') as Variant[];
  for (const v of list) if (!ALL_VARIANTS.includes(v)) throw new Error(`unknown variant ${v}`);
  return list;
})();

const WORKLOAD = (() => {
  const i = process.argv.indexOf('--workload');
  const w = i >= 0 ? String(process.argv[i + 1]) : 'mixed';
  if (w !== 'mixed' && w !== 's2') throw new Error(`--workload must be mixed or s2, not ${w}`);
  return w;
})();

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const PROFILE_DIR = (() => {
  const i = process.argv.indexOf('--profile');
  if (i < 0) return undefined;
  const dir = process.argv[i + 1];
  if (!dir || dir.startsWith('--')) throw new Error('--profile needs a directory');
  return resolve(dir);
})();

const runs = option('runs', 3);
const durationMs = option('duration', 15_000);
const connections = option('connections', 16);
const rateShare = option('rate-share', 0.25);
const progress = (text: string) => process.stderr.write(`${text}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const cores = (m: Measurement) => Object.values(m.stackCores).reduce((a, b) => a + b, 0);
/** Answers with a 2xx per second: at saturation the guard may shed (fast 503s), which are not service. */
const goodput = (m: Measurement) =>
  m.throughput * (m.requests > 0 ? Math.max(0, m.requests - m.errors.total) / m.requests : 0);
/** The stack's CPU (supervisor, workers, PostgreSQL) per completed request, in µs. */
const cpuPerRequest = (m: Measurement) => (m.throughput > 0 ? (cores(m) * 1e6) / m.throughput : NaN);

/** Stands in for an OpenTelemetry collector: counts what arrives, and parses nothing. */
async function startSink() {
  let bytes = 0;
  let exports = 0;
  const server = createServer((req, res) => {
    req.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    req.on('end', () => {
      exports++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, stats: () => ({ bytes, exports }), close: () => new Promise((r) => server.close(r)) };
}

/** The median over runs of one run's `variant` ÷ the same run's `off`. */
function pairedRatio(samples: Sample[], variant: Variant, f: (s: Sample) => number): number {
  const ratios: number[] = [];
  for (const s of samples) {
    if (s.variant !== variant) continue;
    const off = samples.find((o) => o.run === s.run && o.variant === 'off');
    if (off) ratios.push(f(s) / f(off));
  }
  return median(ratios);
}

interface Sample {
  run: number;
  variant: Variant;
  closed: Measurement;
  open: Measurement;
  scrapes: number;
}

async function measure(
  variant: Variant,
  sinkUrl: string,
  rate: number | undefined,
  fixtures: { file: string; ready: boolean },
  run: number,
): Promise<Omit<Sample, 'run'> & { rate: number }> {
  const opsPort = await freePort();
  const profileDir = PROFILE_DIR && join(PROFILE_DIR, `${run + 1}-${variant}`);
  const stack = await startStack({
    ...(profileDir ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir] } : {}),
    dataDir: '.bulwark/bench',
    readyTimeoutMs: 300_000,
    stdout: 'ignore',
    args: [
      '--ops.port',
      String(opsPort),
      '--log.level',
      variant === 'no-logs' ? 'warn' : 'info',
      ...(variant === 'off' ? ['--telemetry.enabled', 'false'] : []),
    ],
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: variant === 'off' || variant === 'no-traces' ? '' : sinkUrl,
      OTEL_TRACES_SAMPLER: variant === 'all-traces' ? 'parentbased_always_on' : 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    },
  });
  let scrapes = 0;
  const scraper =
    variant !== 'off'
      ? setInterval(() => {
          fetch(`http://127.0.0.1:${opsPort}/metrics`)
            .then((r) => r.text())
            .then(() => {
              scrapes++;
            })
            .catch(() => {});
        }, 5_000)
      : undefined;
  try {
    if (WORKLOAD === 'mixed' && !fixtures.ready) {
      // Slugs, usernames, tags and 20 signed-in demo users, gathered once from the first stack.
      await gatherFixtures(stack.origin, fixtures.file, { cold: 1000, users: 20 });
      fixtures.ready = true;
    }
    const base: GuardJob = {
      ...JOB_DEFAULTS,
      baseUrl: stack.origin,
      workload: WORKLOAD,
      mode: 'closed',
      connections,
      warmupMs: 3_000,
      durationMs,
      ...(WORKLOAD === 'mixed' ? { fixturesFile: fixtures.file, params: { seed: 7 } } : {}),
    };
    const closed = await runDriver(base, { stackPid: stack.pid });
    const fixed = rate ?? Math.max(10, Math.round(closed.throughput * rateShare));
    const open = await runDriver(
      { ...base, mode: 'open', rate: fixed, connections: 64, warmupMs: 1_000 },
      { stackPid: stack.pid },
    );
    return { variant, closed, open, scrapes, rate: fixed };
  } finally {
    if (scraper) clearInterval(scraper);
    await stack.stop();
  }
}

async function main() {
  const machine = await describeMachine();
  progress(machineLine(machine));
  const sink = await startSink();
  const samples: Sample[] = [];
  let rate: number | undefined;
  const work = mkdtempSync(join(tmpdir(), 'bulwark-bench-telemetry-'));
  const fixtures = { file: join(work, 'fixtures.json'), ready: false };
  try {
    for (let run = 0; run < runs; run++) {
      // Alternate the order so that drift on the machine falls on both sides alike.
      const order = run % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        const s = { ...(await measure(variant, sink.url, rate, fixtures, run)), run };
        rate ??= s.rate; // the first saturation sets the moderate rate for every open-model window
        samples.push(s);
        progress(
          `run ${run + 1}/${runs} ${variant.padEnd(3)}: saturation ${s.closed.throughput.toFixed(0)} req/s, ${goodput(s.closed).toFixed(0)} 2xx/s (not 2xx: ${JSON.stringify(s.closed.errors.byKind)}), ` +
            `at ${rate} req/s: p50 ${(s.open.latencyUs.p50 / 1000).toFixed(1)} ms, p99 ${(s.open.latencyUs.p99 / 1000).toFixed(1)} ms, ` +
            `stack ${cores(s.open).toFixed(2)} cores; load ${loadavg()[0]?.toFixed(2)}`,
        );
      }
    }
  } finally {
    await sink.close();
    rmSync(work, { recursive: true, force: true });
  }
  const of = (v: Variant, f: (s: Sample) => number) => median(samples.filter((s) => s.variant === v).map(f));
  const others = VARIANTS.filter((v) => v !== 'off');
  const row = (label: string, f: (s: Sample) => number, digits: number) => {
    const off = of('off', f);
    const cells = others.map((v) => `${of(v, f).toFixed(digits)} (${(of(v, f) / off).toFixed(3)})`);
    return `| ${label} | ${off.toFixed(digits)} | ${cells.join(' | ')} |`;
  };
  const lines = [
    `telemetry overhead, ${WORKLOAD === 'mixed' ? 'mixed workload' : 'S2 journey'}, ${runs} runs each, medians; ${machineLine(machine)}; load after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    '',
    `| measure | off | ${others.map((v) => `${v} (÷ off)`).join(' | ')} |`,
    `|---|---|${others.map(() => '---').join('|')}|`,
    row(`saturation throughput, C=${connections} (req/s)`, (s) => s.closed.throughput, 1),
    row(`saturation goodput, C=${connections} (2xx/s)`, (s) => goodput(s.closed), 1),
    row(`at ${rate} req/s: p50 (ms)`, (s) => s.open.latencyUs.p50 / 1000, 2),
    row(`at ${rate} req/s: p99 (ms)`, (s) => s.open.latencyUs.p99 / 1000, 2),
    row(`at ${rate} req/s: stack CPU (cores)`, (s) => cores(s.open), 3),
    row(`at ${rate} req/s: stack CPU per request (µs)`, (s) => cpuPerRequest(s.open), 1),
    row(`at ${rate} req/s: completed (req/s)`, (s) => s.open.throughput, 1),
    '',
    // The machine drifts within a run of several minutes; a variant and `off` measured minutes apart
    // in the same run are closer to each other than the medians of all runs are.
    `paired ratios (each run's variant ÷ the same run's off, median of ${runs}): ${others
      .map(
        (v) =>
          `${v}: saturation goodput ${pairedRatio(samples, v, (s) => goodput(s.closed)).toFixed(3)}, ` +
          `CPU per request ${pairedRatio(samples, v, (s) => cpuPerRequest(s.open)).toFixed(3)}`,
      )
      .join('; ')}`,
    `saturation goodput cost (must-hold: at most 5%): ${others
      .map(
        (v) =>
          `${v} ${((1 - of(v, (s) => goodput(s.closed)) / of('off', (s) => goodput(s.closed))) * 100).toFixed(1)}%`,
      )
      .join(', ')} ` +
      `(spans exported: ${sink.stats().exports} batches, ${(sink.stats().bytes / 1e6).toFixed(1)} MB; /metrics scrapes: ${samples.reduce((n, s) => n + s.scrapes, 0)})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
