// The page a person would rather look at than read: one self-contained HTML file with charts over
// time (throughput, latency percentiles, errors by status, users affected) for one run or several
// side by side (the drill), plus the tables of the Markdown summary.
import { f0, f1, failuresByClass, msText, pct, statusText } from './format.js';
import type { LoadResult } from './result-types.js';
import { type Band, esc, lineChart, type Series } from './svg-chart.js';

export interface LabelledRun {
  label: string;
  result: LoadResult;
}

const PALETTE = [
  ['#dc2626', '#f97316', '#b91c1c'],
  ['#059669', '#2563eb', '#065f46'],
  ['#7c3aed', '#db2777', '#4c1d95'],
];

function bands(r: LoadResult): Band[] {
  return r.phases.map((p) => ({ from: p.fromS, to: p.toS, label: p.phase }));
}

function charts(runs: readonly LabelledRun[]): string {
  const first = runs[0]?.result;
  if (!first) return '';
  const b = bands(first);
  const many = runs.length > 1;
  const name = (run: LabelledRun, what: string) => (many ? `${run.label} ${what}` : what);
  const throughput: Series[] = [
    {
      name: 'offered (target)',
      color: '#6b7280',
      dashed: true,
      points: first.timeline.map((s) => [s.t, s.targetRate]),
    },
    ...runs.map((run, i) => ({
      name: name(run, '2xx within objective'),
      color: PALETTE[i % 3]?.[0] ?? '#000',
      points: run.result.timeline.map((s): [number, number] => [s.t, s.ok - s.slow]),
    })),
  ];
  const latency: Series[] = runs.flatMap((run, i) => [
    {
      name: name(run, 'p50'),
      color: PALETTE[i % 3]?.[1] ?? '#000',
      points: run.result.timeline.filter((s) => s.intended > 0).map((s): [number, number] => [s.t, s.p50]),
    },
    {
      name: name(run, 'p99'),
      color: PALETTE[i % 3]?.[0] ?? '#000',
      points: run.result.timeline.filter((s) => s.intended > 0).map((s): [number, number] => [s.t, s.p99]),
    },
  ]);
  const classes = [
    ...new Set(
      runs.flatMap((run) => run.result.timeline.flatMap((s) => Object.keys(failuresByClass(s.byStatus)))),
    ),
  ];
  const errors: Series[] = runs.flatMap((run, i) =>
    classes.map((c, k) => ({
      name: name(run, c),
      color: PALETTE[i % 3]?.[k % 3] ?? '#000',
      dashed: k > 0,
      points: run.result.timeline.map((s): [number, number] => [s.t, failuresByClass(s.byStatus)[c] ?? 0]),
    })),
  );
  const users: Series[] = runs.map((run, i) => ({
    name: name(run, 'users affected'),
    color: PALETTE[i % 3]?.[0] ?? '#000',
    points: run.result.timeline
      .filter((s) => s.users.active > 0)
      .map((s): [number, number] => [s.t, s.users.share * 100]),
  }));
  return [
    lineChart({
      title: 'Throughput: offered and answered 2xx within the objective (per second, by intended time)',
      yLabel: 'requests/s',
      series: throughput,
      bands: b,
    }),
    lineChart({
      title: 'Latency from the intended send time (p50, p99 per second)',
      yLabel: 'ms (log)',
      series: latency,
      bands: b,
      logY: true,
    }),
    errors.length > 0
      ? lineChart({ title: 'Errors by status (per second)', yLabel: 'answers/s', series: errors, bands: b })
      : '<p class="ok">No errors: every answer was 2xx.</p>',
    lineChart({
      title: 'Users affected (share of the users active in each second)',
      yLabel: '%',
      series: users,
      bands: b,
      yMax: 100,
      formatY: (y) => `${y}%`,
    }),
  ]
    .map((c) => `<figure>${c}</figure>`)
    .join('\n');
}

function summaryTable(runs: readonly LabelledRun[]): string {
  const row = (label: string, f: (r: LoadResult) => string) =>
    `<tr><th>${esc(label)}</th>${runs.map((run) => `<td>${esc(f(run.result))}</td>`).join('')}</tr>`;
  const phase = (r: LoadResult, name: string) => r.phases.find((p) => p.phase === name);
  const phaseNames = [...new Set(runs.flatMap((run) => run.result.phases.map((p) => p.phase)))];
  return `<table><thead><tr><th></th>${runs.map((run) => `<th>${esc(run.label)}</th>`).join('')}</tr></thead><tbody>
${row('users affected (whole run)', (r) => `${pct(r.users.share)} (${f0(r.users.affected)} of ${f0(r.users.active)})`)}
${phaseNames
  .map((n) =>
    row(`users affected, ${n}`, (r) => {
      const p = phase(r, n);
      return p
        ? `${pct(p.users.share)} (${f0(p.users.affected)} of ${f0(p.users.active)}), worst second ${pct(p.peakSliceShare)}`
        : '–';
    }),
  )
  .join('\n')}
${row('degradation', (r) => (r.degradation.durationS > 0 ? `${r.degradation.durationS} s (from ${r.degradation.firstS} s to ${(r.degradation.lastS ?? 0) + 1} s)` : 'none'))}
${row('p50 / p99 (from intended time)', (r) => `${msText(r.total.latency.p50)} / ${msText(r.total.latency.p99)}`)}
${row('service time p50 / p99', (r) => `${msText(r.total.service.p50)} / ${msText(r.total.service.p99)}`)}
${row('goodput (2xx/s)', (r) => f1(r.goodput))}
${phaseNames
  .map((n) =>
    row(`goodput, ${n}`, (r) => {
      const p = phase(r, n);
      return p ? `${f1(p.goodput)} 2xx/s` : '–';
    }),
  )
  .join('\n')}
${row('statuses', (r) => statusText(r.total.byStatus))}
${row('error codes', (r) => statusText(r.errorCodes))}
${row('generator', (r) => `${f0(r.generator.sent)} sent of ${f0(r.generator.intended)}, ${f0(r.generator.late)} late, ${f0(r.generator.dropped)} dropped${r.generator.keptRate ? '' : ' — could not keep the rate'}`)}
</tbody></table>`;
}

function requestTable(r: LoadResult): string {
  const rows = [['all', r.total] as const, ...Object.entries(r.byName)].map(
    ([n, g]) =>
      `<tr><td>${esc(n)}</td><td>${f0(g.requests)}</td><td>${pct(g.requests ? g.ok / g.requests : 0)}</td><td>${msText(g.latency.p50)}</td><td>${msText(g.latency.p95)}</td><td>${msText(g.latency.p99)}</td><td>${msText(g.latency.max)}</td><td>${msText(g.service.p99)}</td><td>${esc(statusText(g.byStatus))}</td></tr>`,
  );
  return `<table><thead><tr><th>request</th><th>count</th><th>2xx</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>service p99</th><th>statuses</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function thresholdTable(r: LoadResult): string {
  if (r.thresholds.length === 0) return '';
  return `<table><thead><tr><th>metric</th><th>condition</th><th>actual</th><th></th></tr></thead><tbody>${r.thresholds
    .map(
      (t) =>
        `<tr class="${t.ok ? 'ok' : 'bad'}"><td>${esc(t.metric)}</td><td><code>${esc(t.condition)}</code></td><td>${t.actual === null ? '–' : esc(Number.isInteger(t.actual) ? f0(t.actual) : t.actual.toFixed(4))} ${esc(t.detail)}</td><td>${t.ok ? 'pass' : 'FAIL'}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#111827;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}thead th{background:#f9fafb}
figure{margin:12px 0;border:1px solid #e5e7eb;border-radius:6px;padding:8px}.verdict{font-size:16px;padding:10px 14px;border-radius:6px;margin:8px 0}
.pass{background:#ecfdf5;border:1px solid #10b981}.fail{background:#fef2f2;border:1px solid #ef4444}tr.bad td{background:#fef2f2}
p.note{color:#4b5563}p.ok{color:#065f46}`;

/** One self-contained page. `intro` is trusted HTML from the caller (the drill's verdicts). */
export function htmlReport(title: string, runs: readonly LabelledRun[], intro = ''): string {
  const first = runs[0]?.result;
  const details = runs
    .map(
      (run) =>
        `<h2>${esc(run.label)}: requests</h2>${requestTable(run.result)}${
          run.result.thresholds.length
            ? `<h2>${esc(run.label)}: thresholds</h2>${thresholdTable(run.result)}`
            : ''
        }`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body>
<h1>${esc(title)}</h1>
${first ? `<p class="note">${esc(first.startedAt)} · ${esc(String(first.machine.cpu))}, ${esc(String(first.machine.cores))} cores, load ${esc(String(first.machine.loadAverage1mAtStart))} at start · latency counts from each request's intended send time; a user is affected when any of their requests fails or takes longer than ${esc(msText(first.scenario.objective.latencyMs))}.</p>` : ''}
${intro}
${summaryTable(runs)}
${charts(runs)}
${details}
</body></html>
`;
}
