import {
  ALERT_DEFS,
  type AlertDef,
  type AlertName,
  LONGEST_WINDOW_MS,
  PAGE_WINDOWS,
  runbookUrl,
  type SaturationAlertDef,
} from './alert-rules.js';
import { AlertStateMachine, type AlertTransition } from './alert-state.js';
import { describeReadings, evaluateBurnRate, formatDuration, type SloObjectives } from './burn-rate.js';
import { CounterWindows, type SloCounts } from './counter-windows.js';

/** The configured objectives plus the saturation bounds (`slo.*`). */
export interface SloSettings extends SloObjectives {
  latencyThresholdMs: number;
  poolWaitP95Ms: number;
  rejectionsPerSecond: number;
}

/** The fast saturation signals, measured by the caller over the alert's (scaled) window. */
export interface SaturationReading {
  /** p95 of the wait for a database connection, ms; null when nothing waited. */
  poolWaitP95Ms: number | null;
  /** Admission rejections per second. */
  rejectionsPerSecond: number;
}

/**
 * The in-process SLO evaluator: feed it request counts as they arrive and the saturation readings
 * at each tick; it keeps the buckets, evaluates every alert of `ALERT_DEFS` and runs their life
 * cycle. `extraAnnotations` (the current diagnosis) is attached to every alert.
 */
export class SloEvaluator {
  readonly settings: SloSettings;
  readonly #windows: CounterWindows;
  readonly #machine = new AlertStateMachine();

  constructor(settings: SloSettings) {
    this.settings = settings;
    const shortest = Math.min(...PAGE_WINDOWS.map((w) => w.shortMs)) / settings.timeScale;
    // Ten buckets in the shortest window: its sum is then at most a tenth off the window edge.
    this.#windows = new CounterWindows({
      bucketMs: Math.max(10, shortest / 10),
      retainMs: LONGEST_WINDOW_MS / settings.timeScale + shortest,
    });
  }

  record(now: number, counts: SloCounts): void {
    this.#windows.add(now, counts);
  }

  /** The request counts over a (scaled) window, for status pages. */
  counts(now: number, windowMs: number): SloCounts {
    return this.#windows.sum(now, windowMs);
  }

  evaluate(
    now: number,
    saturation: SaturationReading,
    extraAnnotations: Record<string, string> = {},
  ): AlertTransition[] {
    const conditions = ALERT_DEFS.map((def) => {
      const { active, summary, description } = this.#condition(def, now, saturation);
      return {
        labels: { alertname: def.name, severity: def.severity, service: 'bulwark', ...sloLabel(def) },
        annotations: {
          summary,
          description,
          runbook_url: runbookUrl(def.name),
          ...extraAnnotations,
        },
        active,
        forMs: def.forMs / this.settings.timeScale,
      };
    });
    return this.#machine.update(now, conditions);
  }

  active() {
    return this.#machine.active();
  }

  firing() {
    return this.#machine.firing();
  }

  #condition(def: AlertDef, now: number, sat: SaturationReading) {
    const s = this.settings;
    if (def.kind === 'burn-rate') {
      const r = evaluateBurnRate(def, this.#windows, now, s);
      const target =
        def.slo === 'availability'
          ? `${pct(s.availabilityTarget)} of requests succeed`
          : `${pct(s.latencyTarget)} of requests complete under ${s.latencyThresholdMs} ms`;
      return {
        active: r.active,
        summary: `${def.slo} SLO (${target}) is burning its error budget (${def.severity})`,
        description: describeReadings(r.readings),
      };
    }
    return saturationCondition(def, s, sat);
  }
}

function saturationCondition(def: SaturationAlertDef, s: SloSettings, sat: SaturationReading) {
  const window = formatDuration(def.windowMs / s.timeScale);
  if (def.signal === 'pool-wait-p95') {
    const p95 = sat.poolWaitP95Ms;
    return {
      active: p95 !== null && p95 > s.poolWaitP95Ms,
      summary: 'Requests wait too long for a database connection',
      description: `pool wait p95 ${p95 === null ? 'n/a' : `${p95.toFixed(1)} ms`} over ${window} (bound ${s.poolWaitP95Ms} ms)`,
    };
  }
  return {
    active: sat.rejectionsPerSecond > s.rejectionsPerSecond,
    summary: 'The admission limit is rejecting requests',
    description: `${sat.rejectionsPerSecond.toFixed(2)} rejections/s over ${window} (bound ${s.rejectionsPerSecond}/s)`,
  };
}

const sloLabel = (def: AlertDef): Record<string, string> =>
  def.kind === 'burn-rate' ? { slo: def.slo } : {};
const pct = (x: number) => `${Math.round(x * 100_000) / 1000}%`;

export type { AlertName };
