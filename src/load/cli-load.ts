// `bulwark load`: argument handling, the run, the reports and the exit code. The command file in
// src/cli/commands/ only wires it in.
import { parseArgs } from 'node:util';
import { measureCeiling } from './ceiling.js';
import { runScenario } from './coordinator.js';
import { compileStages, scaleExecutor } from './executors.js';
import { gatherFixtures } from './fixtures.js';
import { f0, msText, pct } from './format.js';
import { progressPrinter } from './progress-line.js';
import { loadScenarioFile } from './scenario.js';
import { stamp, writeRunReports } from './write-reports.js';

/** k6's exit code for breached thresholds, so pipelines that know k6 read it the same way. */
export const EXIT_THRESHOLDS = 99;

export const LOAD_USAGE = `usage: bulwark load <scenario.yaml> [--url http://127.0.0.1:3000] [--out DIR]
                    [--processes N] [--time-scale X] [--quiet]
       bulwark load --ceiling

Runs the scenario's open-model schedule against --url, prints a live progress line, writes JSON,
Markdown and HTML reports to --out (default .bulwark/reports), and exits ${EXIT_THRESHOLDS} when a
threshold is breached. --ceiling measures the most one generator process keeps on this machine.
`;

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
  const baseUrl = loopbackOnly(values.url);
  process.stderr.write(
    `reading fixtures from ${baseUrl} (articles, tags, ${scenario.users.signedIn} sign-ins)…\n`,
  );
  const fixtures = await gatherFixtures(baseUrl, {
    signedIn: scenario.users.signedIn,
    firstSignedIn: scenario.users.firstSignedIn,
    demoPassword: values.password ?? defaults.demoPassword,
  });
  const printer = values.quiet ? undefined : progressPrinter();
  const result = await runScenario({
    baseUrl,
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
  return result.thresholds.every((t) => t.ok) ? 0 : EXIT_THRESHOLDS;
}
