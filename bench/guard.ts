// The guard benchmark (issue 3, "Must hold"): Overhead, Spike, Isolation and Faults against real
// Bulwark stacks, both sides of every comparison in this one run. `npm run bench:guard -- --help`
// lists the options; bench/README.md ("The guard") says what each benchmark does and how to read it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnBenchScript } from './child-process.js';
import {
  type Ctx,
  faults,
  isolation,
  mixedSaturation,
  overhead,
  type Restart,
  type Saturation,
  type Section,
  type SpikeSide,
  spike,
  spikeSection,
  type Verdict,
} from './guard-benchmarks.js';
import { gatherFixtures } from './guard-fixtures.js';
import {
  f1,
  f2,
  GUARD_USAGE,
  type GuardMeasurement,
  measure,
  medianOf,
  parseGuardOptions,
  progress,
} from './guard-measure.js';
import { describeMachine, machineLine } from './machine.js';
import { type BenchStack, startStack } from './stack.js';

/** What the benchmarks need of the stack they measure: where to send load, and which database to clean. */
function aimedAt(s: BenchStack): Pick<Ctx, 'origin' | 'opsOrigin' | 'stackPid' | 'dataDir' | 'databasePort'> {
  return {
    origin: s.origin,
    opsOrigin: s.opsOrigin,
    stackPid: s.pid,
    dataDir: s.dataDir,
    databasePort: s.databasePort,
  };
}

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));

async function main(): Promise<number> {
  const options = parseGuardOptions(process.argv.slice(2));
  if (options.help) {
    console.log(GUARD_USAGE);
    return 0;
  }
  const began = Date.now();
  const machine = await describeMachine();
  console.log(`machine: ${machineLine(machine)}`);
  const dataDir = resolve(REPO, options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'bulwark-bench-guard-'));
  const fixturesFile = join(work, 'fixtures.json');

  let stack: BenchStack | undefined;
  let current: BenchStack | undefined;
  let stopStack: (() => Promise<void>) | undefined;
  let restarted: Restart | undefined;
  const trivial = spawnBenchScript('./trivial-server.ts', { port: 0, delayMs: 0 });
  const stopAll = async () => {
    await Promise.all([trivial.stop(), stopStack?.()]);
    stopStack = undefined;
    // a postmaster restarted by the Faults benchmark is ours, not the supervisor's
    await restarted?.stop();
    restarted = undefined;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping the stack`);
      void stopAll().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  const start = async (profile: 'hardened' | 'pre-incident') => {
    progress(
      `starting the ${profile} stack (data dir ${options.dataDir}; the first start seeds the demo dataset)…`,
    );
    const s = await startStack(
      {
        dataDir,
        readyTimeoutMs: 15 * 60_000,
        ...(options.workers !== undefined ? { workers: options.workers } : {}),
        args: ['--profile', profile],
        ...(options.cpuProfileDir
          ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', resolve(options.cpuProfileDir, profile)] }
          : {}),
      },
      (stop) => {
        stopStack = stop;
      },
    );
    progress(
      `  ${profile} stack up in ${(s.startMs / 1000).toFixed(1)} s${s.seeded ? ' (seeded the demo dataset)' : ''}`,
    );
    return s;
  };

  const sections: Section[] = [];
  const results: Record<string, unknown> = {};
  try {
    const { port: trivialPort } = await trivial.waitFor<{ port: number }>(
      (l) => l.event === 'listening',
      30_000,
    );
    stack = await start('hardened');
    current = stack;
    const cold = Math.ceil(options.criticalRate * (2 + options.isolationS + 1)) * 2 * options.runs + 200;
    const fixtures = await gatherFixtures(stack.origin, fixturesFile, {
      cold: Math.max(cold, 1000),
      users: 20,
    });
    progress(
      `fixtures: ${fixtures.hotSlugs.length} hot and ${fixtures.coldSlugs.length} cold slugs, ${fixtures.usernames.length} users, ${fixtures.tags.length} tags, ${fixtures.tokens.length} signed-in users`,
    );
    const ctx: Ctx = {
      options,
      ...aimedAt(stack),
      fixturesFile,
      jwtSecret: readFileSync(join(stack.dataDir, 'jwt-secret'), 'utf8').trim(),
      stackStderr: () => current?.proc.stderr() ?? '',
    };

    const ceiling = async () => {
      const m = await measure(
        {
          baseUrl: `http://127.0.0.1:${trivialPort}`,
          workload: 'trivial',
          mode: 'closed',
          connections: 64,
          warmupMs: 1000,
          durationMs: 3000,
          timeoutMs: 10_000,
          drainMs: 1000,
          maxOutstanding: 10_000,
        },
        { stackPid: trivial.child.pid ?? -1 },
      );
      progress(`generator ceiling (trivial node:http, closed C=64): ${f1(m.throughput)} req/s`);
      return m;
    };
    const ceilings: GuardMeasurement[] = [await ceiling()];

    const want = new Set(options.only);
    if (want.has('overhead')) {
      const s = await overhead(ctx);
      sections.push(s);
      results.overhead = s.data;
    }
    let saturation: Saturation | undefined;
    let hardenedSpike: SpikeSide | undefined;
    if (want.has('spike') || want.has('faults')) saturation = await mixedSaturation(ctx);
    if (want.has('spike') && saturation)
      hardenedSpike = await spike(ctx, saturation, 'hardened', options.runs);
    if (want.has('isolation')) {
      const s = await isolation(ctx);
      sections.push(s);
      results.isolation = s.data;
    }
    let faultSection: Section | undefined;
    if (want.has('faults') && saturation) {
      const f = await faults(ctx, saturation);
      restarted = f.restart;
      faultSection = f.section;
      results.faults = f.section.data;
    }
    ceilings.push(await ceiling());

    if (hardenedSpike && saturation) {
      // the pre-incident contrast: the seed's stack on the same data, at the same offered load
      await stopAll();
      const pre = await start('pre-incident');
      current = pre;
      Object.assign(ctx, aimedAt(pre));
      const preSpike = await spike(ctx, saturation, 'pre-incident', 1);
      const s = spikeSection(saturation, hardenedSpike, preSpike);
      sections.splice(want.has('overhead') ? 1 : 0, 0, s);
      results.spike = s.data;
    }
    if (faultSection) sections.push(faultSection);

    // -------------------------------------------------------------------------------------- report
    const ceilingMed = medianOf(ceilings, (m) => m.throughput);
    console.log('');
    console.log(`machine: ${machineLine(machine)}`);
    console.log(
      `generator ceiling: ${f1(ceilingMed)} req/s (trivial node:http, closed C=64; ${ceilings.map((m) => m.throughput.toFixed(0)).join(' and ')} at the start and the end, driver CPU ${ceilings.map((m) => f2(m.driverCpuCores)).join('/')})`,
    );
    console.log(
      `runs: ${options.runs} per measurement (medians shown) | stack: ${options.workers ?? 'one worker per core'}, data dir ${options.dataDir}${stack.seeded ? ' (seeded in this run)' : ''} | ${options.quick ? 'QUICK smoke run' : 'full run'}`,
    );
    if (saturation) {
      const share = saturation.goodput / ceilingMed;
      console.log(
        `hardened saturation, mixed workload: ${f1(saturation.goodput)} 2xx/s = ${(share * 100).toFixed(1)}% of the generator ceiling; spike at 3x is ${(3 * share * 100).toFixed(1)}% of it${3 * share > 0.5 ? ' (WARNING: the driver is a large part of the load on this machine)' : ''}`,
      );
    }
    if (machine.loadAverage1m > machine.cores / 2) {
      console.log(
        `WARNING: load average ${machine.loadAverage1m} on ${machine.cores} cores before the run: other work shared the machine; compare the sides within this run.`,
      );
    }
    for (const s of sections) {
      console.log('');
      for (const l of s.lines) console.log(l);
    }
    const verdicts: Verdict[] = sections.flatMap((s) => s.verdicts);
    console.log('');
    console.log('must-holds (issue 3):');
    for (const v of verdicts) {
      console.log(`  ${v.ok ? 'PASS' : 'FAIL'}  ${v.benchmark.padEnd(9)} ${v.check}: ${v.value}`);
    }
    const dir = join(REPO, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `guard-${machine.date.replace(/[:.]/g, '-')}.json`);
    const elapsedS = Math.round((Date.now() - began) / 1000);
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          benchmark: 'guard',
          machine,
          options,
          elapsedS,
          ceiling: { median: ceilingMed, runs: ceilings },
          verdicts,
          ...results,
        },
        (key, value) => (key === 'histogram' ? undefined : value),
        2,
      )}\n`,
    );
    console.log('');
    console.log(`results: ${file.slice(REPO.length + 1)} (took ${elapsedS} s)`);
    return verdicts.every((v) => v.ok) ? 0 : 2;
  } finally {
    await stopAll();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`bench:guard failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  },
);
