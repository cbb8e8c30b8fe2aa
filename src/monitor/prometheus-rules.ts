import { stringify } from 'yaml';
import { ALERT_DEFS, type AlertDef, runbookUrl, type SloName } from './alert-rules.js';
import { formatDuration } from './burn-rate.js';
import { METRICS } from './metric-names.js';
import type { SloSettings } from './slo-evaluator.js';

/** One Prometheus rule, recording or alerting, as it appears in a rule group. */
export interface PrometheusRuleEntry {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PrometheusRuleDoc {
  apiVersion: 'monitoring.coreos.com/v1';
  kind: 'PrometheusRule';
  metadata: { name: string; labels: Record<string, string> };
  spec: { groups: { name: string; interval?: string; rules: PrometheusRuleEntry[] }[] };
}

const count = `${METRICS.httpDuration}_count`;
const bucket = `${METRICS.httpDuration}_bucket`;
const sloSeries = (slo: SloName, window: string) =>
  slo === 'availability'
    ? `bulwark:http_errors:ratio_rate${window}`
    : `bulwark:http_slow:ratio_rate${window}`;
const rateSeries = (window: string) => `bulwark:http_requests:rate${window}`;

/** Prometheus's `le` label for a bound in ms: 300 → "0.3", 1000 → "1". */
export const leOf = (ms: number): string => String(ms / 1000);

/** Every distinct window the burn-rate alerts read, in Prometheus notation. */
function windows(): string[] {
  const all = new Set<number>();
  for (const d of ALERT_DEFS)
    if (d.kind === 'burn-rate')
      for (const w of d.windows) {
        all.add(w.longMs);
        all.add(w.shortMs);
      }
  return [...all].sort((a, b) => a - b).map(formatDuration);
}

function recordingRules(s: SloSettings): PrometheusRuleEntry[] {
  return windows().flatMap((w) => [
    { record: rateSeries(w), expr: `sum(rate(${count}[${w}]))` },
    {
      record: sloSeries('availability', w),
      expr: `sum(rate(${count}{${METRICS.statusLabel}=~"5.."}[${w}])) / sum(rate(${count}[${w}]))`,
    },
    {
      record: sloSeries('latency', w),
      expr: `1 - (sum(rate(${bucket}{le="${leOf(s.latencyThresholdMs)}"}[${w}])) / sum(rate(${count}[${w}])))`,
    },
  ]);
}

function alertExpr(def: AlertDef, s: SloSettings): string {
  if (def.kind === 'burn-rate') {
    const budget = 1 - (def.slo === 'availability' ? s.availabilityTarget : s.latencyTarget);
    // `and` binds tighter than `or` in PromQL; the parentheses keep each pair and its guard together.
    return def.windows
      .map((w) => {
        const long = formatDuration(w.longMs);
        const short = formatDuration(w.shortMs);
        const bound = `(${w.factor} * ${round(budget)})`;
        return `(${sloSeries(def.slo, long)} > ${bound} and ${sloSeries(def.slo, short)} > ${bound} and on() (${rateSeries(long)} * ${w.longMs / 1000}) >= ${s.minRequests})`;
      })
      .join('\nor\n');
  }
  const w = formatDuration(def.windowMs);
  if (def.signal === 'pool-wait-p95')
    return `histogram_quantile(0.95, sum by (le) (rate(${METRICS.poolWait}_bucket[${w}]))) > ${s.poolWaitP95Ms / 1000}`;
  return `sum(rate(${METRICS.admissionRejections}{reason!="aborted"}[${w}])) > ${s.rejectionsPerSecond}`;
}

function alertingRules(s: SloSettings): PrometheusRuleEntry[] {
  return ALERT_DEFS.map((def) => ({
    alert: def.name,
    expr: alertExpr(def, s),
    for: formatDuration(def.forMs),
    labels: {
      severity: def.severity,
      service: 'bulwark',
      ...(def.kind === 'burn-rate' ? { slo: def.slo } : {}),
    },
    annotations: {
      summary: summaryOf(def, s),
      description: descriptionOf(def),
      runbook_url: runbookUrl(def.name),
    },
  }));
}

function summaryOf(def: AlertDef, s: SloSettings): string {
  if (def.kind === 'saturation')
    return def.signal === 'pool-wait-p95'
      ? `Requests wait too long for a database connection (p95 over ${s.poolWaitP95Ms} ms)`
      : `The admission limit is rejecting requests (over ${s.rejectionsPerSecond}/s)`;
  const objective =
    def.slo === 'availability'
      ? `${s.availabilityTarget * 100}% of requests succeed`
      : `${s.latencyTarget * 100}% of requests complete under ${s.latencyThresholdMs} ms`;
  return `${def.slo} SLO (${objective}) is burning its error budget`;
}

function descriptionOf(def: AlertDef): string {
  if (def.kind === 'saturation')
    return 'Value: {{ $value }}. Open `bulwark diagnose` for where the time goes.';
  const pairs = def.windows
    .map((w) => `${w.factor}x over ${formatDuration(w.longMs)} and ${formatDuration(w.shortMs)}`)
    .join(', or ');
  return `Error budget burn of ${pairs}. Open \`bulwark diagnose\` for where the time goes.`;
}

const round = (x: number) => Math.round(x * 1e9) / 1e9;

/** The SLOs as a PrometheusRule: recording rules per window, then the same alerts Bulwark evaluates. */
export function prometheusRule(s: SloSettings): PrometheusRuleDoc {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'bulwark-slo', labels: { app: 'bulwark', role: 'alert-rules' } },
    spec: {
      groups: [
        { name: 'bulwark-slo-recording', interval: '30s', rules: recordingRules(s) },
        { name: 'bulwark-slo-alerts', rules: alertingRules(s) },
      ],
    },
  };
}

/** The PrometheusRule as YAML, ready for `kubectl apply -f -`. */
export function prometheusRuleYaml(s: SloSettings): string {
  return stringify(prometheusRule(s), { lineWidth: 0 });
}
