import type { Executor, Stage } from './executors.js';

export const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];

/** One request of a journey. Strings may hold `{variables}` (see docs/load.md). */
export interface RequestStep {
  /** The name the report groups it under. */
  name: string;
  method: Method;
  path: string;
  body?: unknown;
  /** Send the signed-in user's token. */
  auth: boolean;
}

export const IDENTITIES = ['anonymous', 'signed-in'] as const;
export type Identity = (typeof IDENTITIES)[number];

export interface Journey {
  name: string;
  weight: number;
  /** Who walks it: an anonymous visitor or a seeded user with a token. */
  as: Identity;
  /** Pause between two requests, drawn uniformly from [min, max] ms. */
  thinkMs: [number, number];
  /**
   * Which users of its identity's pool walk it, 1-based and inclusive (`users: { from: 1, to: 20 }`);
   * absent: any of them. Lets a scenario give different users different habits, so that a fault
   * hurting one route hurts some users and not others.
   */
  users?: { from: number; to: number };
  steps: RequestStep[];
}

/** A scenario file, parsed and checked: everything the generator needs to run it. */
export interface Scenario {
  name: string;
  description: string;
  seed: number;
  executor: Executor;
  stages: Stage[];
  journeys: Journey[];
  users: { anonymous: number; signedIn: number; firstSignedIn: number };
  objective: {
    /** A request slower than this from its intended send time counts against its user. */
    latencyMs: number;
    /** A one-second slice with more than this share of its users affected is degraded. */
    degradedAbove: number;
  };
  data: {
    /** Share of article picks that go to the first pages (the popular, recent articles). */
    hotShare: number;
    /** `{offset}` is drawn from 0, 10, … up to this. */
    maxOffset: number;
  };
  client: {
    connections: number;
    /** A path to GET once on every connection before the run, so none is opened during it. */
    preconnect?: string;
    timeoutMs: number;
    maxOutstanding: number;
    drainMs: number;
  };
  /** Named lists of values a journey draws one from (`{values.NAME}`), like Artillery's payload. */
  values: Record<string, string[]>;
  /** k6-style thresholds: metric (with an optional `{name:x}` or `{phase:x}` filter) → conditions. */
  thresholds: Record<string, string[]>;
}
