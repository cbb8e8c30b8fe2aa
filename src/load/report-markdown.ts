import { f0, f1, msText, pct, statusText } from './format.js';
import type { GroupStats, LoadResult } from './result-types.js';

function generatorNote(r: LoadResult): string {
  const g = r.generator;
  const lateShare = g.intended > 0 ? g.late / g.intended : 0;
  const lines = [
    `Generator: ${g.processes} process(es), ${f0(g.intended)} requests due, ${f0(g.sent)} sent, ` +
      `${f0(g.late)} late (> ${g.lateThresholdMs} ms, ${pct(lateShare)}), ${f0(g.dropped)} dropped, ` +
      `${f0(g.unfinished)} unfinished; max send lag ${msText(g.maxSendLagMs)}, event-loop p99 ` +
      `${msText(g.eventLoopP99Ms)}, CPU ${g.cpuCores.map((c) => c.toFixed(2)).join(' + ')} cores, nice ${g.nice.join(', ')}.`,
  ];
  if (!g.keptRate) {
    lines.push(
      '',
      `> **The generator could not keep the rate**: ${pct(lateShare)} of sends left late and ${f0(g.dropped)} were dropped. ` +
        'Latencies still count from the intended time, but part of what they show is the generator; ' +
        'run with more `--processes`, on a quieter machine, or at a lower rate.',
    );
  }
  return lines.join('\n');
}

const groupRow = (label: string, g: GroupStats) =>
  `| ${label} | ${f0(g.requests)} | ${pct(g.requests > 0 ? g.ok / g.requests : 0)} | ${msText(g.latency.p50)} | ${msText(g.latency.p95)} | ${msText(g.latency.p99)} | ${msText(g.latency.max)} | ${msText(g.service.p50)} | ${msText(g.service.p99)} | ${statusText(g.byStatus)} |`;

const HEAD =
  '| group | requests | 2xx | p50 | p95 | p99 | max | service p50 | service p99 | statuses |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|---|';

/** A Markdown summary of one run, for a pull request or a terminal. */
export function markdownReport(r: LoadResult): string {
  const breached = r.thresholds.filter((t) => !t.ok);
  const out = [
    `# Load run: ${r.scenario.name}`,
    '',
    `${r.startedAt} against ${r.target}, ${f1(r.durationMs / 1000)} s. Machine: ${r.machine.cpu}, ${r.machine.cores} cores, load ${r.machine.loadAverage1mAtStart} at start.`,
    '',
    `Latency counts from each request's intended send time (coordinated omission corrected); "service" counts from the actual send, as a closed-model tool would. Objective: ${msText(r.scenario.objective.latencyMs)}.`,
    '',
    `**Users affected** (any request failed or slower than the objective): ${f0(r.users.affected)} of ${f0(r.users.active)} (${pct(r.users.share)}). Goodput ${f1(r.goodput)} 2xx/s. ` +
      (r.degradation.durationS > 0
        ? `Degraded (more than ${pct(r.degradation.threshold)} of a second's users affected) from ${r.degradation.firstS} s to ${(r.degradation.lastS ?? 0) + 1} s: ${r.degradation.durationS} s, ${r.degradation.degradedSlices} degraded seconds.`
        : `No degraded second (more than ${pct(r.degradation.threshold)} of a second's users affected).`),
    '',
    generatorNote(r),
    '',
    ...(Object.keys(r.errorCodes).length > 0
      ? [`Error answers by code: ${statusText(r.errorCodes)}.`, '']
      : []),
    '## Phases',
    '',
    '| phase | from–to s | requests | 2xx | goodput/s | users affected | peak second | p50 | p99 | statuses |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|---|',
    ...r.phases.map(
      (p) =>
        `| ${p.phase} | ${f1(p.fromS)}–${f1(p.toS)} | ${f0(p.requests)} | ${pct(p.requests > 0 ? p.ok / p.requests : 0)} | ${f1(p.goodput)} | ${pct(p.users.share)} (${f0(p.users.affected)}/${f0(p.users.active)}) | ${pct(p.peakSliceShare)} | ${msText(p.latency.p50)} | ${msText(p.latency.p99)} | ${statusText(p.byStatus)} |`,
    ),
    '',
    '## Requests',
    '',
    HEAD,
    groupRow('**all**', r.total),
    ...Object.entries(r.byName).map(([n, g]) => groupRow(n, g)),
    '',
  ];
  if (r.thresholds.length > 0) {
    out.push(
      `## Thresholds: ${breached.length === 0 ? 'all passed' : `${breached.length} breached`}`,
      '',
      '| metric | condition | actual | result |',
      '|---|---|--:|---|',
      ...r.thresholds.map(
        (t) =>
          `| ${t.metric} | \`${t.condition}\` | ${t.actual === null ? '–' : Number.isInteger(t.actual) ? f0(t.actual) : t.actual.toFixed(4)} ${t.detail} | ${t.ok ? 'pass' : '**FAIL**'} |`,
      ),
      '',
    );
  }
  return out.join('\n');
}
