// `bulwark load`: argument handling, the run, the reports and the exit code. The command file in
// src/cli/commands/ only wires it in.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureCeiling } from './ceiling.js';
import { compareSamples, comparisonText, type RunSample, type SampleSet, sampleOf } from './compare.js';
import { runScenario } from './coordinator.js';
import { compileStages, scaleExecutor } from './executors.js';
import { gatherFixtures } from './fixtures.js';
import type { Fixtures } from './fixtures-types.js';
import { f0, msText, pct } from './format.js';
import { progressPrinter } from './progress-line.js';
import type { LoadResult } from './result-types.js';
import { loadScenarioFile, needsFixtures } from './scenario.js';
import { emptyFixtures } from './simple-scenario.js';
import { stamp, writeRunReports } from './write-reports.js';

/** k6's exit code for breached thresholds, so pipelines that know k6 read it the same way. */
export const EXIT_THRESHOLDS = 99;

export const LOAD_USAGE = `usage: bulwark load <scenario.yaml> [--url http://127.0.0.1:3000] [--out DIR]
                    [--processes N] [--time-scale X] [--quiet]
                    [--runs N] [--save-baseline FILE] [--baseline FILE] [--against URL]
       bulwark load --ceiling

Runs the scenario's open-model schedule against --url, prints a live progress line, writes JSON,
Markdown and HTML reports to --out (default .bulwark/reports), and exits ${EXIT_THRESHOLDS} when a
threshold is breached. --ceiling measures the most one generator process keeps on this machine.

Baselines: --runs N repeats the scenario; --save-baseline FILE stores the runs' figures; --baseline
FILE compares this session's runs with them (medians, Mann–Whitney U, verdict faster / slower / no
significant change with the effect size); --against URL runs a second target as the baseline,
interleaved run by run with --url in the same session (the fairest comparison on a shared machine).
A significant slowdown exits 98.
`;

/** A significant slowdown against the baseline. */
export const EXIT_SLOWER = 98;

export class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:3000' },
        out: { type: 'string', default: '.bulwark/reports' },
        processes: { type: 'string' },
        'time-scale': { type: 'string' },
        password: { type: 'string' },
        ceiling: { type: 'boolean' },
        runs: { type: 'string' },
        baseline: { type: 'string' },
        'save-baseline': { type: 'string' },
        against: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function positiveNumber(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive number, got "${raw}"`);
  return n;
}

function loopbackOnly(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--url is not a URL: "${url}"`);
  }
  if (u.protocol !== 'http:') throw new UsageError(`--url must be http://, got ${u.protocol}`);
  // load is for a stack you run; it never points at someone else's host by accident
  if (
    !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) &&
    process.env.BULWARK_LOAD_ALLOW_REMOTE !== '1'
  ) {
    throw new UsageError(
      `--url ${u.hostname} is not loopback; set BULWARK_LOAD_ALLOW_REMOTE=1 if you mean to load another host`,
    );
  }
  return u.origin;
}

export async function loadCli(argv: string[], defaults: { demoPassword: string }): Promise<number> {
  const { values, positionals } = parse(argv);
  const out = process.stdout;
  if (values.help) {
    out.write(LOAD_USAGE);
    return 0;
  }
  if (values.ceiling) {
    out.write('generator ceiling: one process, constant rate steps of 5 s against a trivial local server\n');
    const c = await measureCeiling({
      onStep: (s) =>
        out.write(
          `  ${f0(s.rate).padStart(7)}/s: answered ${f0(s.answered)}/s, late ${pct(s.lateShare)}, max lag ${msText(s.maxSendLagMs)}, dropped ${s.dropped}, errors ${s.errors}, p99 ${msText(s.p99Ms)}, generator CPU ${s.cpuCores.toFixed(2)} cores → ${s.kept ? 'kept' : 'NOT kept'}\n`,
        ),
    });
    out.write(`ceiling: ${f0(c.rate)} requests/s kept by one generator process\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`give one scenario file\n\n${LOAD_USAGE}`);
  const loaded = loadScenarioFile(positionals[0] as string);
  if (!loaded.ok) throw new UsageError(`invalid scenario:\n  - ${loaded.problems.join('\n  - ')}`);
  let scenario = loaded.scenario;
  const scale = positiveNumber(values['time-scale'], 'time-scale');
  if (scale !== undefined) {
    const executor = scaleExecutor(scenario.executor, scale);
    scenario = { ...scenario, executor, stages: compileStages(executor) };
  }
  const processes = positiveNumber(values.processes, 'processes');
  const runs = Math.round(positiveNumber(values.runs, 'runs') ?? 1);
  const baseUrl = loopbackOnly(values.url);
  const againstUrl = values.against ? loopbackOnly(values.against) : undefined;
  if (values.baseline && againstUrl) throw new UsageError('give --baseline FILE or --against URL, not both');
  let stored: SampleSet | undefined;
  if (values.baseline) stored = readSamples(values.baseline);
  const fixturesOf = async (origin: string) => {
    if (!needsFixtures(scenario)) return emptyFixtures();
    process.stderr.write(
      `reading fixtures from ${origin} (articles, tags, ${scenario.users.signedIn} sign-ins)…\n`,
    );
    return gatherFixtures(origin, {
      signedIn: scenario.users.signedIn,
      firstSignedIn: scenario.users.firstSignedIn,
      demoPassword: values.password ?? defaults.demoPassword,
    });
  };
  const targets = [
    { role: 'candidate', origin: baseUrl, fixtures: await fixturesOf(baseUrl) },
    ...(againstUrl ? [{ role: 'baseline', origin: againstUrl, fixtures: await fixturesOf(againstUrl) }] : []),
  ];
  const samples: Record<string, RunSample[]> = { candidate: [], baseline: [] };
  let last: LoadResult | undefined;
  let allPassed = true;
  for (let i = 0; i < runs; i++) {
    // interleaved, and alternating who goes first, so drift on the machine spreads over both sides
    const order = i % 2 === 0 ? targets : [...targets].reverse();
    for (const t of order) {
      if (runs > 1 || targets.length > 1)
        process.stderr.write(`run ${i + 1}/${runs}: ${t.role} ${t.origin}\n`);
      const result = await runOnce(t.origin, t.fixtures);
      samples[t.role]?.push(sampleOf(result));
      if (t.role === 'candidate') {
        last = result;
        allPassed &&= result.thresholds.every((x) => x.ok);
      }
    }
  }
  if (values['save-baseline']) {
    const set: SampleSet = {
      kind: 'bulwark-load-samples',
      scenario: scenario.name,
      target: baseUrl,
      recordedAt: new Date().toISOString(),
      runs: samples.candidate ?? [],
    };
    writeFileSync(values['save-baseline'], `${JSON.stringify(set, null, 1)}\n`);
    out.write(`baseline of ${set.runs.length} run(s) saved to ${values['save-baseline']}\n`);
  }
  const base = stored?.runs ?? (againstUrl ? samples.baseline : undefined);
  let slower = false;
  if (base) {
    const comparison = compareSamples(base, samples.candidate ?? []);
    const text = comparisonText(comparison);
    out.write(
      `\nagainst ${stored ? `the baseline ${values.baseline} (${stored.recordedAt})` : againstUrl}:\n${text}\n`,
    );
    mkdirSync(values.out, { recursive: true });
    const file = join(values.out, `${scenario.name}-compare-${stamp()}`);
    writeFileSync(`${file}.md`, `# ${scenario.name}: comparison\n\n${text}`);
    writeFileSync(`${file}.json`, `${JSON.stringify(comparison, null, 1)}\n`);
    slower = comparison.verdict === 'slower';
  }
  if (!allPassed) return EXIT_THRESHOLDS;
  if (last === undefined) return 1;
  return slower ? EXIT_SLOWER : 0;

  async function runOnce(origin: string, fixtures: Fixtures): Promise<LoadResult> {
    const printer = values.quiet ? undefined : progressPrinter();
    const result = await runScenario({
      baseUrl: origin,
      scenario,
      fixtures,
      ...(processes !== undefined ? { processes: Math.round(processes) } : {}),
      ...(printer ? { onProgress: (p) => printer.update(p) } : {}),
    });
    printer?.done();
    const files = writeRunReports(values.out, `${scenario.name}-${stamp()}`, result);
    const g = result.generator;
    out.write(
      `${scenario.name}: ${f0(result.total.requests)} requests, 2xx ${pct(result.total.requests ? result.total.ok / result.total.requests : 0)}, ` +
        `p50 ${msText(result.total.latency.p50)}, p99 ${msText(result.total.latency.p99)} (from intended time; service p99 ${msText(result.total.service.p99)}), ` +
        `users affected ${pct(result.users.share)}, late ${f0(g.late)}, dropped ${f0(g.dropped)}\n`,
    );
    if (!g.keptRate) out.write('WARNING: the generator could not keep the rate (see the report)\n');
    for (const t of result.thresholds) {
      out.write(
        `  ${t.ok ? 'pass' : 'FAIL'}  ${t.metric}: ${t.condition} (actual ${t.actual === null ? '–' : Number(t.actual.toFixed(4))} ${t.detail})\n`,
      );
    }
    out.write(`reports: ${files.html}\n         ${files.md}\n         ${files.json}\n`);
    return result;
  }
}

function readSamples(file: string): SampleSet {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--baseline ${file}: ${(err as Error).message}`);
  }
  const set = doc as Partial<SampleSet>;
  if (set.kind !== 'bulwark-load-samples' || !Array.isArray(set.runs) || set.runs.length === 0) {
    throw new UsageError(`--baseline ${file} is not a baseline written by --save-baseline`);
  }
  return set as SampleSet;
}
