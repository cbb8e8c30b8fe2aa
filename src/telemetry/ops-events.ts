import { EventEmitter } from 'node:events';

/**
 * What the control plane records about the system: one shape for every source (alerts, the
 * diagnosis, the autoscaler, failover, chaos, deploys, operators), so the incident timeline takes
 * new sources without changing. A module that has something to tell emits an event; it never
 * imports the supervisor.
 */
export const OPS_EVENT_SOURCES = [
  'alert',
  'diagnosis',
  'autoscaler',
  'failover',
  'chaos',
  'deploy',
  'config',
  'operator',
  'incident',
] as const;
export type OpsEventSource = (typeof OPS_EVENT_SOURCES)[number];

export interface OpsEvent {
  /** ISO 8601 time the event happened (not when it was stored). */
  at: string;
  source: OpsEventSource;
  /** A stable, dotted name within the source, e.g. `alert.firing`, `diagnosis.changed`. */
  kind: string;
  /** One line a person reads on a timeline. */
  summary: string;
  /** Structured facts behind the summary (JSON-serialisable, no secrets). */
  data?: Record<string, unknown>;
}

/** The components the diagnosis can name; the incident's escalation maps each to an owning team. */
export const SUSPECT_COMPONENTS = [
  'db.pool',
  'db.query',
  'db.lock',
  'db.network',
  'db.server',
  'dependency',
  'worker.cpu',
  'worker.event-loop',
  'cache',
] as const;
export type SuspectComponent = (typeof SUSPECT_COMPONENTS)[number];

export interface Suspect {
  component: SuspectComponent;
  /** e.g. the query fingerprint or the dependency's name. */
  target?: string;
  /** 0..1 */
  confidence: number;
  /** One sentence with the numbers, e.g. "87% of request time is waiting for a connection". */
  summary: string;
  evidence: string[];
  /** What to do about it, when the diagnosis knows (e.g. a suggested index). */
  suggestion?: string;
}

/** The diagnosis at one moment: ranked suspects, and what was checked and found healthy. */
export interface DiagnosisVerdict {
  at: string;
  suspects: Suspect[];
  healthy: string[];
}

/** A typed in-process bus for ops events. */
export class OpsEventBus {
  readonly #emitter = new EventEmitter();

  emit(event: OpsEvent): void {
    this.#emitter.emit('event', event);
  }

  /** Returns a function that unsubscribes. */
  subscribe(listener: (event: OpsEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }
}
