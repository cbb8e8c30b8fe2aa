import { parseArgs } from 'node:util';
import { EXIT_THRESHOLDS, f0, msText, pct, progressPrinter, stamp, writeRunReports } from '../load/index.js';
import { writeDrillReports } from './drill-report.js';
import { runPerfCi } from './perf-ci.js';
import { runSeedIncidentDrill } from './seed-incident.js';

async function perfCi(o: {
  dataDir: string;
  out: string;
  demoPassword: string;
  url?: string;
  scenarioFile?: string;
}): Promise<number> {
  const t0 = Date.now();
  const { result } = await runPerfCi({ ...o, log: (l) => process.stderr.write(`${l}\n`) });
  const files = writeRunReports(o.out, `perf-ci-${stamp()}`, result);
  const out = process.stdout;
  out.write(
    `perf-ci: ${f0(result.total.requests)} requests, 2xx ${pct(result.total.requests ? result.total.ok / result.total.requests : 0)}, ` +
      `p50 ${msText(result.total.latency.p50)}, p99 ${msText(result.total.latency.p99)}, late ${f0(result.generator.late)}, ` +
      `load ${result.machine.loadAverage1mAtStart}, ${((Date.now() - t0) / 1000).toFixed(1)} s in all\n`,
  );
  for (const t of result.thresholds) {
    out.write(
      `  ${t.ok ? 'pass' : 'FAIL'}  ${t.metric}: ${t.condition} (actual ${t.actual === null ? '–' : Number(t.actual.toFixed(4))} ${t.detail})\n`,
    );
  }
  out.write(`report: ${files.html}\n`);
  return result.thresholds.every((t) => t.ok) ? 0 : EXIT_THRESHOLDS;
}

export const DRILL_USAGE = `usage: bulwark drill seed-incident [--quick | --time-scale X] [--dataDir DIR] [--out DIR]
                                  [--scenario FILE] [--quiet] [--seed.users N --seed.articles N ...]
       bulwark drill perf-ci [--dataDir DIR] [--out DIR] [--url URL]

Starts the pre-incident stack on the demo data (loaded on first use, about a minute), runs the
seed-incident scenario (five minutes; --quick: one minute), stops it; then the same with the
hardened stack; writes one report side by side and exits 0 only when the pre-incident stack
reproduced the outage and the hardened stack held. --seed.* sizes go to both stacks' first start
(a smaller dataset will not reproduce the outage; they are for trying the drill out).

perf-ci is the pipeline's performance gate: the hardened stack on a small dataset (or --url), the
scenarios/perf-ci.yaml thresholds, exit ${EXIT_THRESHOLDS} when one is breached.
`;

export class DrillUsageError extends Error {}

const SEED_SIZES = ['users', 'articles', 'follows', 'favorites', 'comments', 'tags'] as const;

export async function drillCli(argv: string[], defaults: { demoPassword: string }): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        quick: { type: 'boolean' },
        'time-scale': { type: 'string' },
        dataDir: { type: 'string', default: '.bulwark/drill' },
        out: { type: 'string', default: '.bulwark/reports' },
        scenario: { type: 'string' },
        url: { type: 'string' },
        ...Object.fromEntries(SEED_SIZES.map((k) => [`seed.${k}`, { type: 'string' as const }])),
        quiet: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  }
  try {
    parsed = parse();
  } catch (err) {
    throw new DrillUsageError(`${(err as Error).message}\n\n${DRILL_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(DRILL_USAGE);
    return 0;
  }
  if (positionals.length !== 1 || !['seed-incident', 'perf-ci'].includes(positionals[0] as string)) {
    throw new DrillUsageError(`name the drill: seed-incident or perf-ci\n\n${DRILL_USAGE}`);
  }
  if (positionals[0] === 'perf-ci') {
    return perfCi({
      dataDir: values.dataDir === '.bulwark/drill' ? '.bulwark/perf-ci' : values.dataDir,
      out: values.out,
      demoPassword: defaults.demoPassword,
      ...(values.url ? { url: values.url } : {}),
      ...(values.scenario ? { scenarioFile: values.scenario } : {}),
    });
  }
  let timeScale = values.quick ? 0.2 : 1;
  if (values['time-scale'] !== undefined) {
    timeScale = Number(values['time-scale']);
    if (!Number.isFinite(timeScale) || timeScale <= 0 || timeScale > 10) {
      throw new DrillUsageError(
        `--time-scale must be a number above 0 and at most 10, got "${values['time-scale']}"`,
      );
    }
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const stackArgs = SEED_SIZES.flatMap((k) => {
    const v = (values as Record<string, unknown>)[`seed.${k}`];
    return typeof v === 'string' ? [`--seed.${k}`, v] : [];
  });
  let printer = values.quiet ? undefined : progressPrinter();
  const outcome = await runSeedIncidentDrill({
    timeScale,
    dataDir: values.dataDir,
    demoPassword: defaults.demoPassword,
    ...(values.scenario ? { scenarioFile: values.scenario } : {}),
    ...(stackArgs.length > 0 ? { stackArgs } : {}),
    log: (line) => {
      printer?.done();
      if (printer) printer = progressPrinter();
      log(line);
    },
    ...(printer ? { onProgress: (p) => printer?.update(p) } : {}),
  });
  printer?.done();
  const files = writeDrillReports(values.out, `drill-seed-incident-${stamp()}`, outcome);
  const out = process.stdout;
  for (const s of outcome.stacks) {
    const r = s.result;
    const spike = r.phases.find((p) => p.phase === 'spike');
    out.write(
      `${s.label.padEnd(13)} users affected ${(r.users.share * 100).toFixed(1)}% (spike ${((spike?.users.share ?? 0) * 100).toFixed(1)}%), ` +
        `p50 ${r.total.latency.p50.toFixed(1)} ms, p99 ${r.total.latency.p99.toFixed(1)} ms, goodput ${r.goodput.toFixed(1)}/s, ` +
        `degraded ${r.degradation.durationS} s, statuses ${JSON.stringify(r.total.byStatus)}\n`,
    );
  }
  for (const v of outcome.verdicts) out.write(`${v.ok ? 'PASS' : 'FAIL'}  ${v.name}: ${v.detail}\n`);
  out.write(`report: ${files.html}\n        ${files.md}\n        ${files.json}\n`);
  return outcome.verdicts.every((v) => v.ok) ? 0 : 1;
}
