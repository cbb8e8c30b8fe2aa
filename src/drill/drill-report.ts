// The drill's one report, both stacks side by side: JSON (both full results and the verdicts),
// Markdown and a self-contained HTML page with both runs on the same charts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  count5xx,
  esc,
  f0,
  f1,
  htmlReport,
  type LoadResult,
  msText,
  pct,
  statusText,
} from '../load/index.js';
import type { Verdict } from './verdicts.js';

export interface DrillOutcome {
  kind: 'bulwark-drill-result';
  scenario: string;
  timeScale: number;
  startedAt: string;
  stacks: { label: string; profile: string; startMs: number; seeded: boolean; result: LoadResult }[];
  verdicts: Verdict[];
}

function markdown(d: DrillOutcome): string {
  const cols = d.stacks;
  const row = (label: string, f: (r: LoadResult) => string) =>
    `| ${label} | ${cols.map((c) => f(c.result)).join(' | ')} |`;
  const spike = (r: LoadResult) => r.phases.find((p) => p.phase === 'spike');
  const first = cols[0]?.result;
  return [
    `# Drill: ${d.scenario}`,
    '',
    `${d.startedAt}, time scale ${d.timeScale} (${f1((first?.durationMs ?? 0) / 1000)} s per stack). Same scenario, same absolute rates, same data, one stack after the other. Machine: ${first?.machine.cpu}, ${first?.machine.cores} cores.`,
    '',
    ...d.verdicts.map((v) => `- **${v.ok ? 'PASS' : 'FAIL'}** ${v.name}: ${v.detail}`),
    '',
    `| | ${cols.map((c) => c.label).join(' | ')} |`,
    `|---|${cols.map(() => '--:').join('|')}|`,
    row(
      'users affected, whole run',
      (r) => `${pct(r.users.share)} (${f0(r.users.affected)}/${f0(r.users.active)})`,
    ),
    row('users affected, spike', (r) => {
      const s = spike(r);
      return s ? `${pct(s.users.share)} (${f0(s.users.affected)}/${f0(s.users.active)})` : '–';
    }),
    row('worst second', (r) => pct(Math.max(0, ...r.timeline.map((s) => s.users.share)))),
    row('degradation', (r) =>
      r.degradation.durationS > 0
        ? `${r.degradation.durationS} s (${r.degradation.firstS}–${(r.degradation.lastS ?? 0) + 1} s)`
        : 'none',
    ),
    row('p50 / p99', (r) => `${msText(r.total.latency.p50)} / ${msText(r.total.latency.p99)}`),
    row('p99 during the spike', (r) => msText(spike(r)?.latency.p99 ?? 0)),
    row('goodput, whole run (2xx/s)', (r) => f1(r.goodput)),
    row('goodput, spike (2xx/s)', (r) => f1(spike(r)?.goodput ?? 0)),
    row('5xx answers', (r) => f0(count5xx(r.total.byStatus))),
    row('statuses', (r) => statusText(r.total.byStatus)),
    row('error codes', (r) => statusText(r.errorCodes)),
    row(
      'generator late / dropped',
      (r) =>
        `${f0(r.generator.late)} / ${f0(r.generator.dropped)}${r.generator.keptRate ? '' : ' (rate not kept)'}`,
    ),
    '',
    'Every figure comes from the runs above; the HTML report has the charts over time and every request group.',
    '',
  ].join('\n');
}

function intro(d: DrillOutcome): string {
  const all = d.verdicts.every((v) => v.ok);
  return `<div class="verdict ${all ? 'pass' : 'fail'}">${d.verdicts
    .map((v) => `<div><strong>${v.ok ? 'PASS' : 'FAIL'}</strong> ${esc(v.name)}: ${esc(v.detail)}</div>`)
    .join(
      '',
    )}</div><p class="note">Time scale ${esc(String(d.timeScale))}; the same absolute rates for both stacks: ${esc(
    (d.stacks[0]?.result.scenario.stages ?? [])
      .map(
        (s) =>
          `${s.phase} ${s.from === s.to ? s.from : `${s.from}→${s.to}`}/s for ${f1(s.durationMs / 1000)} s`,
      )
      .join(', '),
  )}.</p>`;
}

export function writeDrillReports(dir: string, base: string, d: DrillOutcome) {
  mkdirSync(dir, { recursive: true });
  const path = (ext: string) => resolve(join(dir, `${base}.${ext}`));
  const files = { json: path('json'), md: path('md'), html: path('html') };
  writeFileSync(files.json, `${JSON.stringify(d, null, 1)}\n`);
  writeFileSync(files.md, markdown(d));
  writeFileSync(
    files.html,
    htmlReport(
      `Drill: ${d.scenario}`,
      d.stacks.map((s) => ({ label: s.label, result: s.result })),
      intro(d),
    ),
  );
  return files;
}
