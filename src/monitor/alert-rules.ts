/**
 * The alerts Bulwark evaluates in-process and exports as Prometheus rules: one list, so the two can
 * never disagree. The burn-rate pairs are the SRE Workbook's multi-window multi-burn-rate alerts
 * (chapter 5, "Alerting on SLOs"): a long window proves the burn matters, a short one that it is
 * still going on, and both must burn.
 */

/** Every alert name; the incident runbooks are `docs/runbooks/<name>.md`. */
export const ALERT_NAMES = [
  'BulwarkAvailabilityBurnRatePage',
  'BulwarkAvailabilityBurnRateTicket',
  'BulwarkLatencyBurnRatePage',
  'BulwarkLatencyBurnRateTicket',
  'BulwarkDbPoolWaitHigh',
  'BulwarkAdmissionRejectionsHigh',
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

export const SLO_NAMES = ['availability', 'latency'] as const;
export type SloName = (typeof SLO_NAMES)[number];

export const SEVERITIES = ['page', 'ticket', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** One window pair: both must burn at least `factor` times the sustainable rate. */
export interface BurnWindowPair {
  factor: number;
  longMs: number;
  shortMs: number;
}

export const PAGE_WINDOWS: readonly BurnWindowPair[] = [
  { factor: 14.4, longMs: HOUR, shortMs: 5 * MINUTE }, // 2% of a 30-day budget in an hour
  { factor: 6, longMs: 6 * HOUR, shortMs: 30 * MINUTE }, // 5% in six hours
];
export const TICKET_WINDOWS: readonly BurnWindowPair[] = [
  { factor: 1, longMs: 3 * 24 * HOUR, shortMs: 6 * HOUR }, // 10% in three days
];

export interface BurnRateAlertDef {
  name: AlertName;
  kind: 'burn-rate';
  slo: SloName;
  severity: Severity;
  windows: readonly BurnWindowPair[];
  /** Unscaled `for` duration. */
  forMs: number;
}

export interface SaturationAlertDef {
  name: AlertName;
  kind: 'saturation';
  signal: 'pool-wait-p95' | 'admission-rejections';
  severity: Severity;
  /** The window the signal is measured over (unscaled). */
  windowMs: number;
  forMs: number;
}

export type AlertDef = BurnRateAlertDef | SaturationAlertDef;

export const ALERT_DEFS: readonly AlertDef[] = [
  {
    name: 'BulwarkAvailabilityBurnRatePage',
    kind: 'burn-rate',
    slo: 'availability',
    severity: 'page',
    windows: PAGE_WINDOWS,
    forMs: 2 * MINUTE,
  },
  {
    name: 'BulwarkAvailabilityBurnRateTicket',
    kind: 'burn-rate',
    slo: 'availability',
    severity: 'ticket',
    windows: TICKET_WINDOWS,
    forMs: 15 * MINUTE,
  },
  {
    name: 'BulwarkLatencyBurnRatePage',
    kind: 'burn-rate',
    slo: 'latency',
    severity: 'page',
    windows: PAGE_WINDOWS,
    forMs: 2 * MINUTE,
  },
  {
    name: 'BulwarkLatencyBurnRateTicket',
    kind: 'burn-rate',
    slo: 'latency',
    severity: 'ticket',
    windows: TICKET_WINDOWS,
    forMs: 15 * MINUTE,
  },
  {
    name: 'BulwarkDbPoolWaitHigh',
    kind: 'saturation',
    signal: 'pool-wait-p95',
    severity: 'warning',
    windowMs: 5 * MINUTE,
    forMs: MINUTE,
  },
  {
    name: 'BulwarkAdmissionRejectionsHigh',
    kind: 'saturation',
    signal: 'admission-rejections',
    severity: 'warning',
    windowMs: 5 * MINUTE,
    forMs: MINUTE,
  },
];

/** The runbook an alert links to (relative to the repository root). */
export const runbookUrl = (name: AlertName): string => `docs/runbooks/${name}.md`;

/** The longest window any alert reads: how much history the counters must keep. */
export const LONGEST_WINDOW_MS = Math.max(
  ...ALERT_DEFS.flatMap((d) => (d.kind === 'burn-rate' ? d.windows.map((w) => w.longMs) : [d.windowMs])),
);
