// The RealWorld benchmark: S1 (deep list pages) and S2 (a reader's journey) against a real Bulwark
// stack, each at saturation (closed model) and at a fixed arrival rate (open model), beside the load
// generator's own ceiling on a trivial server. `npm run bench -- --help` lists the options;
// bench/README.md says how to read the output.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { spawnBenchScript } from './child-process.js';
import type { DriverJob } from './driver-protocol.js';
import { describeMachine, machineLine } from './machine.js';
import { type BenchOptions, parseOptions, USAGE } from './options.js';
import { type Row, type RunsSummary, summarizeRuns, table } from './report.js';
import { JOB_DEFAULTS, type Measurement, runDriver } from './run-driver.js';
import { selfCheck } from './self-check.js';
import { type BenchStack, startStack } from './stack.js';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DEMO_USER = { email: 'user1@demo.conduit.example', password: 'conduit-demo' };
const WORKLOAD_TITLE = { s1: 'S1 list pages', s2: 'S2 journey' } as const;

const progress = (text: string) => process.stderr.write(`${text}\n`);
const fmtMs = (us: number) => (us / 1000).toFixed(1);

function brief(m: Measurement): string {
  const l = m.latencyUs;
  const extra = m.journeysPerSec === undefined ? '' : ` (${m.journeysPerSec.toFixed(2)} journeys/s)`;
  const open = m.open
    ? `, sent ${m.open.achievedRate.toFixed(1)}/s, late ${m.open.late}, dropped ${m.open.dropped}`
    : '';
  return `${m.throughput.toFixed(1)} req/s${extra}, p50 ${fmtMs(l.p50)} ms, p99 ${fmtMs(l.p99)} ms, errors ${m.errors.total}${open}`;
}

async function getJson(url: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}) {
  const res = await request(url, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const text = await res.body.text();
  return { status: res.statusCode, text };
}

/** Fails early, with a useful message, when the API the workloads need is not there yet. */
async function checkApi(origin: string): Promise<number | string> {
  const { status, text } = await getJson(`${origin}/api/articles?limit=1`);
  if (status !== 200) {
    throw new Error(
      `GET /api/articles?limit=1 answered ${status}: ${text.slice(0, 300)} (is the API implemented?)`,
    );
  }
  const count = (JSON.parse(text) as { articlesCount?: unknown }).articlesCount;
  return typeof count === 'number' ? count : 'unknown';
}

async function login(origin: string): Promise<string> {
  const { status, text } = await getJson(`${origin}/api/users/login`, {
    method: 'POST',
    body: { user: DEMO_USER },
  });
  const token = (JSON.parse(text) as { user?: { token?: string } }).user?.token;
  if (status !== 200 || !token)
    throw new Error(`login as ${DEMO_USER.email} failed: ${status} ${text.slice(0, 300)}`);
  return token;
}

interface Context {
  options: BenchOptions;
  stack: BenchStack;
  trivialOrigin: string;
  trivialPid?: number;
  token?: string;
}

function job(ctx: Context, over: Partial<DriverJob> & Pick<DriverJob, 'workload' | 'mode'>): DriverJob {
  const base: DriverJob = {
    baseUrl: ctx.stack.origin,
    connections: 16,
    warmupMs: ctx.options.warmupS * 1000,
    durationMs: ctx.options.durationS * 1000,
    ...JOB_DEFAULTS,
    ...over,
  };
  if (ctx.token && over.workload !== 'trivial') base.token = ctx.token;
  return base;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.selfCheck) return (await selfCheck()) ? 0 : 1;

  const began = Date.now();
  const machine = await describeMachine();
  console.log(`machine: ${machineLine(machine)}`);

  const dataDir = resolve(REPO, options.dataDir);
  if (options.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const trivial = spawnBenchScript('./trivial-server.ts', { port: 0, delayMs: 0 });
  let stopStack: (() => Promise<void>) | undefined;
  const stopAll = async () => {
    await Promise.all([trivial.stop(), stopStack?.()]);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping the stack`);
      void stopAll().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }

  try {
    const { port } = await trivial.waitFor<{ port: number }>((l) => l.event === 'listening', 30_000);
    progress(`starting the stack (data dir ${options.dataDir}; the first start seeds the demo dataset)…`);
    const stack = await startStack(
      { dataDir, workers: options.workers, readyTimeoutMs: 15 * 60_000 },
      (stop) => {
        stopStack = stop;
      },
    );
    const seededLine = stack.seeded
      ? `yes: first start with ${options.dataDir}, the demo dataset was loaded (start took ${(stack.startMs / 1000).toFixed(1)} s)`
      : `no: reused the dataset in ${options.dataDir} (start took ${(stack.startMs / 1000).toFixed(1)} s; --fresh seeds again)`;
    console.log(`seeded: ${seededLine}`);
    const articles = await checkApi(stack.origin);
    console.log(`dataset: ${articles} articles (articlesCount of GET /api/articles)`);
    const ctx: Context = {
      options,
      stack,
      trivialOrigin: `http://127.0.0.1:${port}`,
      trivialPid: trivial.child.pid,
    };
    if (options.auth) ctx.token = await login(stack.origin);

    const results = await measureAll(ctx);
    const finishedS = Math.round((Date.now() - began) / 1000);
    report(ctx, machine, results, finishedS);
    return 0;
  } finally {
    await stopAll();
  }
}

interface Results {
  ceiling: { connections: number; runs: Measurement[]; summary: RunsSummary };
  saturation: Record<string, Record<number, { runs: Measurement[]; summary: RunsSummary }>>;
  best: Record<string, number>;
  fixed: Record<string, { rate: number; rateSource: string; runs: Measurement[]; summary: RunsSummary }>;
}

async function measureAll(ctx: Context): Promise<Results> {
  const { options } = ctx;
  const stackPid = ctx.stack.pid;
  const ceilingConnections = Math.max(...options.connections);
  const ceilingRuns: Measurement[] = [];
  const sat: Record<string, Record<number, Measurement[]>> = {};

  // Saturation first, every run interleaving all measurements, so a drift of the shared machine
  // spreads over all of them instead of favouring one.
  for (let run = 1; run <= options.runs; run++) {
    const tag = `[run ${run}/${options.runs}]`;
    const ceiling = await runDriver(
      job(ctx, {
        baseUrl: ctx.trivialOrigin,
        workload: 'trivial',
        mode: 'closed',
        connections: ceilingConnections,
        warmupMs: 1000,
        durationMs: options.ceilingS * 1000,
      }),
      { stackPid: ctx.trivialPid },
    );
    ceilingRuns.push(ceiling);
    progress(`${tag} generator ceiling (trivial server, C=${ceilingConnections}): ${brief(ceiling)}`);
    for (const w of options.only) {
      for (const c of options.connections) {
        const m = await runDriver(job(ctx, { workload: w, mode: 'closed', connections: c }), { stackPid });
        const byConnections = sat[w] ?? {};
        sat[w] = byConnections;
        byConnections[c] = [...(byConnections[c] ?? []), m];
        progress(`${tag} ${w.toUpperCase()} saturation C=${c}: ${brief(m)}`);
      }
    }
  }

  const saturation: Results['saturation'] = {};
  const best: Record<string, number> = {};
  for (const w of options.only) {
    saturation[w] = {};
    let bestC = options.connections[0] ?? 16;
    for (const c of options.connections) {
      const runs = sat[w]?.[c] ?? [];
      saturation[w][c] = { runs, summary: summarizeRuns(runs) };
      if (saturation[w][c].summary.throughput > (saturation[w][bestC]?.summary.throughput ?? -1)) bestC = c;
    }
    best[w] = bestC;
  }

  const fixedRuns: Record<string, Measurement[]> = {};
  const rates: Record<string, { rate: number; source: string }> = {};
  for (const w of options.only) {
    const given = w === 's1' ? options.rateS1 : options.rateS2;
    const peak = saturation[w]?.[best[w] ?? 0]?.summary.throughput ?? 0;
    rates[w] = given
      ? { rate: given, source: `--rate-${w}` }
      : {
          rate: Math.max(1, Math.round(peak * options.rateFraction * 10) / 10),
          source: `${options.rateFraction * 100}% of ${peak.toFixed(1)} req/s`,
        };
  }
  for (let run = 1; run <= options.runs; run++) {
    for (const w of options.only) {
      const rate = rates[w]?.rate ?? 1;
      const m = await runDriver(
        job(ctx, {
          workload: w,
          mode: 'open',
          rate,
          // enough connections that the client never queues at this rate unless the service stalls
          connections: Math.max(...options.connections),
          warmupMs: options.openWarmupS * 1000,
        }),
        { stackPid },
      );
      fixedRuns[w] = [...(fixedRuns[w] ?? []), m];
      progress(`[run ${run}/${options.runs}] ${w.toUpperCase()} fixed rate ${rate}/s: ${brief(m)}`);
    }
  }
  const fixed: Results['fixed'] = {};
  for (const w of options.only) {
    const runs = fixedRuns[w] ?? [];
    fixed[w] = {
      rate: rates[w]?.rate ?? 0,
      rateSource: rates[w]?.source ?? '',
      runs,
      summary: summarizeRuns(runs),
    };
  }
  return {
    ceiling: { connections: ceilingConnections, runs: ceilingRuns, summary: summarizeRuns(ceilingRuns) },
    saturation,
    best,
    fixed,
  };
}

function report(
  ctx: Context,
  machine: Awaited<ReturnType<typeof describeMachine>>,
  results: Results,
  elapsedS: number,
): void {
  const { options } = ctx;
  const rows: Row[] = [
    {
      what: 'generator ceiling (trivial node:http)',
      model: 'closed',
      connections: results.ceiling.connections,
      summary: results.ceiling.summary,
    },
  ];
  for (const w of options.only) {
    for (const c of options.connections) {
      const s = results.saturation[w]?.[c];
      if (s) {
        rows.push({
          what: WORKLOAD_TITLE[w],
          model: 'closed',
          connections: c,
          summary: s.summary,
          best: results.best[w] === c,
        });
      }
    }
    const f = results.fixed[w];
    if (f) {
      rows.push({
        what: WORKLOAD_TITLE[w],
        model: 'open',
        connections: Math.max(...options.connections),
        rate: f.rate,
        summary: f.summary,
      });
    }
  }
  console.log('');
  console.log(`machine: ${machineLine(machine)}`);
  console.log(
    `runs: ${options.runs} (medians shown) | ${options.durationS} s measured after ${options.warmupS} s warm-up (fixed rate: ${options.openWarmupS} s) | ${options.auth ? `authenticated as ${DEMO_USER.email}` : 'anonymous'} | stack ${ctx.stack.origin}`,
  );
  console.log('');
  console.log(table(rows));
  console.log('');
  console.log(
    '* the concurrency with the best median throughput; closed = saturation, open = fixed arrival rate',
  );
  console.log('  (open-model latency counts from the intended send time, so it includes any queueing).');
  console.log('  CPU: cores used in the window by the stack node processes / PostgreSQL / the driver');
  console.log('  (on the ceiling line, node is the trivial server).');
  for (const w of options.only) {
    const f = results.fixed[w];
    if (f) console.log(`  ${WORKLOAD_TITLE[w]} fixed rate: ${f.rate} req/s (${f.rateSource}).`);
  }
  const ceiling = results.ceiling.summary.throughput;
  for (const w of options.only) {
    const s = results.saturation[w]?.[results.best[w] ?? 0]?.summary;
    if (!s) continue;
    const share = ceiling > 0 ? (s.throughput / ceiling) * 100 : 0;
    const note =
      share > 50
        ? 'close to the generator ceiling: this may measure the driver, not the service'
        : 'well below the generator ceiling';
    console.log(
      `  ${WORKLOAD_TITLE[w]} at saturation is ${share.toFixed(1)}% of the generator ceiling (${note}).`,
    );
  }
  for (const w of options.only) {
    const runs = results.fixed[w]?.runs ?? [];
    const intended = runs.reduce((a, m) => a + (m.open?.intended ?? 0), 0);
    const late = runs.reduce((a, m) => a + (m.open?.late ?? 0), 0);
    if (intended > 0 && late / intended > 0.01) {
      console.log(
        `  WARNING: ${((late / intended) * 100).toFixed(1)}% of ${WORKLOAD_TITLE[w]} fixed-rate sends left over 5 ms late: the driver was starved of CPU (a busy machine), and those fixed-rate latencies include it.`,
      );
    }
  }
  // only the load before the stack started says something: during the run the bench itself loads it
  if (machine.loadAverage1m > machine.cores / 2) {
    console.log(
      `  WARNING: load average ${machine.loadAverage1m} on ${machine.cores} cores before the run: other work shared the machine, so absolute numbers are low and noisy; compare ratios within this run.`,
    );
  }
  const errorLines = rows.filter((r) => r.summary.errors > 0);
  for (const r of errorLines) {
    console.log(
      `  errors in ${r.what} ${r.model} C=${r.connections}: ${JSON.stringify(r.summary.errorKinds)}`,
    );
  }

  const dir = join(REPO, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `realworld-${machine.date.replace(/[:.]/g, '-')}.json`);
  const json = {
    benchmark: 'realworld',
    machine,
    options,
    stack: { seeded: ctx.stack.seeded, startMs: ctx.stack.startMs, dataDir: options.dataDir },
    elapsedS,
    ceiling: results.ceiling,
    saturation: results.saturation,
    bestConnections: results.best,
    fixedRate: results.fixed,
  };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  console.log('');
  console.log(`results: ${file.slice(REPO.length + 1)} (took ${elapsedS} s)`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
