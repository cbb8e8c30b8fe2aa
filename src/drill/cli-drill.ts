import { parseArgs } from 'node:util';
import { progressPrinter, stamp } from '../load/index.js';
import { writeDrillReports } from './drill-report.js';
import { runSeedIncidentDrill } from './seed-incident.js';

export const DRILL_USAGE = `usage: bulwark drill seed-incident [--quick | --time-scale X] [--dataDir DIR] [--out DIR]
                                  [--scenario FILE] [--quiet]

Starts the pre-incident stack on the demo data (loaded on first use, about a minute), runs the
seed-incident scenario (five minutes; --quick: one minute), stops it; then the same with the
hardened stack; writes one report side by side and exits 0 only when the pre-incident stack
reproduced the outage and the hardened stack held.
`;

export class DrillUsageError extends Error {}

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
  if (positionals.length !== 1 || positionals[0] !== 'seed-incident') {
    throw new DrillUsageError(`the drill to run is seed-incident\n\n${DRILL_USAGE}`);
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
  let printer = values.quiet ? undefined : progressPrinter();
  const outcome = await runSeedIncidentDrill({
    timeScale,
    dataDir: values.dataDir,
    demoPassword: defaults.demoPassword,
    ...(values.scenario ? { scenarioFile: values.scenario } : {}),
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
