import type { DiagnosisVerdict, OpsEventBus } from '../telemetry/index.js';
import type { AlertNotifier } from './alert-notifier.js';
import type { AlertInstance } from './alert-state.js';
import { updateBaseline } from './baseline.js';
import { CounterDeltas, zeroCounts } from './counter-windows.js';
import { diagnose, verdictLine } from './diagnosis.js';
import type { DiagnosisWindow } from './diagnosis-input.js';
import { SloEvaluator, type SloSettings } from './slo-evaluator.js';
import { type DbReading, WindowBuilder } from './window-builder.js';
import type { WorkerProbe } from './worker-probe.js';

export interface MonitorLoopOptions {
  settings: SloSettings;
  /** The span the diagnosis reads (10 s): long enough to average, short enough to see an onset. */
  windowMs?: number;
  clock?: { now(): number };
  /** The workers' probes (cluster IPC in the supervisor). */
  collect(): Promise<WorkerProbe[]>;
  db: { read(): Promise<DbReading> };
  bus: OpsEventBus;
  notifier: AlertNotifier;
  log: (line: { msg: string; [k: string]: unknown }) => void;
  poolPerWorker?: number;
  /** From the first traffic, windows teach the baseline even when they name suspects (1.5 windows). */
  warmupMs?: number;
}

/** What `GET /ops/diagnosis` shows. */
export interface MonitorState {
  at: string;
  verdict: DiagnosisVerdict;
  /** One line: the top suspect, or that all is normal. */
  line: string;
  window: DiagnosisWindow;
  baseline: DiagnosisWindow | null;
  alerts: AlertInstance[];
  /** When the current top suspect was first named (ISO), null when there is none. */
  since: string | null;
}

/**
 * The same top suspect is emitted again (`diagnosis.firmer`) once its confidence has risen this much
 * since it was last emitted: the first sighting comes at a fault's onset, from a window still mostly
 * calm, and an incident's timeline needs the evidence of the fault in full (the pool saturated), too.
 */
export const FIRMER_BY = 0.25;

const keyOf = (v: DiagnosisVerdict) => {
  const top = v.suspects[0];
  return top ? `${top.component}${top.target ? `:${top.target}` : ''}` : 'none';
};

/**
 * The supervisor's monitor: each tick reads the workers and the database, feeds the SLO evaluator
 * and the diagnosis, learns the baseline from calm windows, sends alert changes (each carrying the
 * current verdict) and emits a `diagnosis.changed` event when the top suspect changes, and a
 * `diagnosis.firmer` one when the same suspect's confidence has risen by FIRMER_BY since.
 */
export class MonitorLoop {
  readonly #o: MonitorLoopOptions;
  readonly #clock: { now(): number };
  readonly #windowMs: number;
  readonly #builder: WindowBuilder;
  readonly #deltas = new CounterDeltas();
  readonly evaluator: SloEvaluator;
  #baseline: DiagnosisWindow | null = null;
  #state: MonitorState | null = null;
  #key = 'none';
  /** The confidence of the top suspect as last emitted. */
  #emitted = 0;
  #since: number | null = null;
  #firstTraffic: number | undefined;
  #candidates: { at: number; window: DiagnosisWindow }[] = [];
  readonly #warmupMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #pending: Promise<unknown> = Promise.resolve();

  constructor(options: MonitorLoopOptions) {
    this.#o = options;
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#windowMs = options.windowMs ?? 10_000;
    this.#warmupMs = options.warmupMs ?? 1.5 * this.#windowMs;
    this.#builder = new WindowBuilder({ retainMs: this.#windowMs * 2 });
    this.evaluator = new SloEvaluator(options.settings);
  }

  state(): MonitorState | null {
    return this.#state;
  }

  async tick(): Promise<MonitorState> {
    const [probes, db] = await Promise.all([this.#o.collect(), this.#o.db.read()]);
    const now = this.#clock.now();
    this.#builder.add(now, probes, db);
    const counts = zeroCounts();
    for (const p of probes) {
      const d = this.#deltas.delta(String(p.pid), p);
      counts.requests += d.requests;
      counts.errors += d.errors;
      counts.slow += d.slow;
    }
    this.#deltas.retain(probes.map((p) => String(p.pid)));
    this.evaluator.record(now, counts);

    const window = this.#builder.window(now, this.#windowMs);
    const verdict = diagnose({
      at: now,
      current: window,
      baseline: this.#baseline,
      ...(this.#o.poolPerWorker ? { poolPerWorker: this.#o.poolPerWorker } : {}),
    });
    // Learn from calm windows only, except while warming up: a statement that is simply slower
    // than the reference values must not keep the monitor from ever learning what normal is.
    if (window.requests > 0 && window.durationS > 0) {
      this.#firstTraffic ??= now;
      const warming = now - this.#firstTraffic < this.#warmupMs;
      if (warming) {
        this.#baseline = updateBaseline(this.#baseline, window);
      } else if (verdict.suspects.length > 0) {
        this.#candidates = [];
      } else {
        // A window teaches the baseline only once every verdict of the following window was calm
        // too: a fault's first seconds (a window still mostly calm) must not creep into "normal".
        this.#candidates.push({ at: now, window });
        while (this.#candidates[0] && this.#candidates[0].at <= now - this.#windowMs) {
          const next = this.#candidates.shift() as { window: DiagnosisWindow };
          this.#baseline = updateBaseline(this.#baseline, next.window);
        }
      }
    }
    const line = verdictLine(verdict);
    const key = keyOf(verdict);
    const confidence = verdict.suspects[0]?.confidence ?? 0;
    const changed = key !== this.#key;
    if (changed || (key !== 'none' && confidence >= this.#emitted + FIRMER_BY)) {
      if (changed) this.#since = key === 'none' ? null : now;
      this.#o.bus.emit({
        at: new Date(now).toISOString(),
        source: 'diagnosis',
        kind: changed ? 'diagnosis.changed' : 'diagnosis.firmer',
        summary: line,
        data: { previous: this.#key, current: key, verdict },
      });
      this.#o.log({
        msg: changed ? 'diagnosis changed' : 'diagnosis firmer',
        previous: this.#key,
        current: key,
        line,
      });
      this.#key = key;
      this.#emitted = confidence;
    }

    const poolWaits = probes.map((p) => p.poolWaitP95Ms).filter((x): x is number => x !== null);
    const transitions = this.evaluator.evaluate(
      now,
      {
        poolWaitP95Ms: poolWaits.length > 0 ? Math.max(...poolWaits) : null,
        rejectionsPerSecond: window.durationS > 0 ? window.rejections / window.durationS : 0,
      },
      { diagnosis: line },
    );
    if (transitions.length > 0) {
      // Delivery retries can take seconds: the next tick does not wait for them.
      this.#pending = this.#o.notifier
        .notify(transitions)
        .catch((err: unknown) => this.#o.log({ msg: 'alert delivery failed', error: String(err) }));
    }
    this.#state = {
      at: new Date(now).toISOString(),
      verdict,
      line,
      window,
      baseline: this.#baseline,
      alerts: this.evaluator.active(),
      since: this.#since === null ? null : new Date(this.#since).toISOString(),
    };
    return this.#state;
  }

  /** Ticks every `intervalMs` (no overlap: the next tick is scheduled after one ends). */
  start(intervalMs: number): void {
    if (this.#running) return;
    this.#running = true;
    const loop = () => {
      if (!this.#running) return;
      this.tick()
        .catch((err: unknown) => this.#o.log({ msg: 'monitor tick failed', error: String(err) }))
        .finally(() => {
          if (this.#running) this.#timer = setTimeout(loop, intervalMs);
        });
    };
    this.#timer = setTimeout(loop, intervalMs);
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#pending;
  }
}
