// Reads a scenario file (YAML or JSON) into a checked `Scenario`, listing every problem at once with
// where it is, so a typo in a long file costs one try, not ten.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseDurationMs } from './duration.js';
import { compileStages, EXECUTOR_TYPES, type Executor } from './executors.js';
import {
  IDENTITIES,
  type Identity,
  type Journey,
  METHODS,
  type Method,
  type RequestStep,
  type Scenario,
} from './scenario-types.js';
import { TEMPLATE_VARIABLES, unknownVariables } from './template.js';
import { parseCondition, parseThresholdKey } from './thresholds.js';

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; problems: string[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Reader {
  readonly problems: string[] = [];

  num(o: Obj, key: string, at: string, def?: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = o[key] ?? def;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      this.problems.push(
        `${at}.${key}: expected a number from ${min} to ${max}, got ${JSON.stringify(o[key])}`,
      );
      return def ?? min;
    }
    return v;
  }

  ms(o: Obj, key: string, at: string, def?: number): number {
    const raw = o[key] ?? def;
    const v = parseDurationMs(raw);
    if (v === undefined) {
      this.problems.push(
        `${at}.${key}: expected a duration like "30s" or "500ms", got ${JSON.stringify(o[key])}`,
      );
      return def ?? 0;
    }
    return v;
  }

  str(o: Obj, key: string, at: string, def?: string): string {
    const v = o[key] ?? def;
    if (typeof v !== 'string' || v.length === 0) {
      this.problems.push(`${at}.${key}: expected a non-empty string, got ${JSON.stringify(o[key])}`);
      return def ?? '';
    }
    return v;
  }

  /** A request path: a string that starts with '/'. */
  path(o: Obj, key: string, at: string): string {
    const v = o[key];
    if (typeof v !== 'string' || !v.startsWith('/')) {
      this.problems.push(`${at}.${key}: expected a path starting with "/", got ${JSON.stringify(v)}`);
      return '/';
    }
    return v;
  }

  obj(o: Obj, key: string, at: string): Obj {
    const v = o[key];
    if (v === undefined) return {};
    if (!isObj(v)) {
      this.problems.push(`${at}.${key}: expected a mapping`);
      return {};
    }
    return v;
  }
}

function executor(r: Reader, o: Obj): Executor {
  const at = 'executor';
  const type = o.type;
  if (!(EXECUTOR_TYPES as readonly unknown[]).includes(type)) {
    r.problems.push(
      `executor.type: expected one of ${EXECUTOR_TYPES.join(', ')}, got ${JSON.stringify(type)}`,
    );
    return { type: 'constant', rate: 1, durationMs: 1000 };
  }
  if (type === 'constant') {
    return { type, rate: r.num(o, 'rate', at, undefined, 0.001), durationMs: r.ms(o, 'duration', at) };
  }
  if (type === 'ramping') {
    const stages = Array.isArray(o.stages) ? o.stages : [];
    if (stages.length === 0) r.problems.push('executor.stages: expected a list of { duration, target }');
    return {
      type,
      startRate: r.num(o, 'startRate', at, 0),
      stages: stages.map((s, i) => {
        const so = isObj(s) ? s : {};
        const phase = typeof so.phase === 'string' ? so.phase : undefined;
        return {
          durationMs: r.ms(so, 'duration', `executor.stages[${i}]`),
          target: r.num(so, 'target', `executor.stages[${i}]`),
          ...(phase ? { phase } : {}),
        };
      }),
    };
  }
  return {
    type: 'spike',
    baseline: r.num(o, 'baseline', at, undefined, 0.001),
    peak: r.num(o, 'peak', at, undefined, 0.001),
    baselineMs: r.ms(o, 'baselineFor', at),
    riseMs: r.ms(o, 'riseIn', at, 0),
    holdMs: r.ms(o, 'holdFor', at),
    fallMs: r.ms(o, 'fallIn', at, 0),
    recoveryMs: r.ms(o, 'recoveryFor', at, 0),
  };
}

function step(r: Reader, s: unknown, at: string, values: readonly string[]): RequestStep {
  const o = isObj(s) ? s : {};
  if (!isObj(s)) r.problems.push(`${at}: expected a mapping like { name: home, get: /api/articles }`);
  const methods = METHODS.filter((m) => typeof o[m.toLowerCase()] === 'string');
  if (methods.length !== 1) {
    r.problems.push(`${at}: give exactly one of get, post, put, delete with the path`);
    return { name: 'invalid', method: 'GET', path: '/', auth: false };
  }
  const method = methods[0] as Method;
  const path = o[method.toLowerCase()] as string;
  if (!path.startsWith('/')) r.problems.push(`${at}.${method.toLowerCase()}: a path starts with /`);
  for (const v of unknownVariables(`${path} ${o.body === undefined ? '' : JSON.stringify(o.body)}`, values)) {
    const known = [...TEMPLATE_VARIABLES, ...values.map((n) => `values.${n}`)];
    r.problems.push(`${at}: unknown variable {${v}}; known: ${known.join(', ')}`);
  }
  return {
    name: r.str(o, 'name', at),
    method,
    path,
    ...(o.body !== undefined ? { body: o.body } : {}),
    auth: o.auth === true,
  };
}

interface JourneyContext {
  thinkMs: [number, number];
  values: readonly string[];
  pool: Record<Identity, number>;
}

function journey(r: Reader, j: unknown, i: number, ctx: JourneyContext): Journey {
  const at = `journeys[${i}]`;
  const o = isObj(j) ? j : {};
  const as = (o.as ?? 'anonymous') as Identity;
  if (!(IDENTITIES as readonly unknown[]).includes(as)) {
    r.problems.push(`${at}.as: expected one of ${IDENTITIES.join(', ')}, got ${JSON.stringify(o.as)}`);
  }
  let thinkMs = ctx.thinkMs;
  if (o.think !== undefined) thinkMs = think(r, o.think, `${at}.think`);
  const steps = Array.isArray(o.steps)
    ? o.steps.map((s, k) => step(r, s, `${at}.steps[${k}]`, ctx.values))
    : [];
  if (steps.length === 0) r.problems.push(`${at}.steps: a journey needs at least one request`);
  for (const s of steps) {
    if (s.auth && as !== 'signed-in')
      r.problems.push(`${at}: step ${s.name} sends a token, so the journey needs as: signed-in`);
  }
  const users = o.users === undefined ? undefined : userRange(r, o.users, `${at}.users`, ctx.pool[as] ?? 0);
  return {
    name: r.str(o, 'name', at),
    weight: r.num(o, 'weight', at, 1, 0.0001),
    as,
    thinkMs,
    ...(users ? { users } : {}),
    steps,
  };
}

/** `users: { from: 1, to: 20 }`: positions in the journey's pool (users.anonymous or users.signedIn). */
function userRange(r: Reader, v: unknown, at: string, poolSize: number): { from: number; to: number } {
  const o = isObj(v) ? v : {};
  if (!isObj(v)) r.problems.push(`${at}: expected a mapping like { from: 1, to: 20 }`);
  const from = r.num(o, 'from', at, undefined, 1);
  const to = r.num(o, 'to', at, undefined, 1);
  if (!Number.isInteger(from) || !Number.isInteger(to) || to < from || to > poolSize) {
    r.problems.push(
      `${at}: expected whole numbers with 1 ≤ from ≤ to ≤ ${poolSize} (the size of the journey's user pool), got ${JSON.stringify(v)}`,
    );
  }
  return { from, to };
}

/** `values: { authors: [a, b] }`: every list non-empty, every value a string. */
function valueLists(r: Reader, o: Obj): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(o)) {
    if (!/^[a-zA-Z]+$/.test(name)) r.problems.push(`values.${name}: a list's name is letters only`);
    if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string')) {
      r.problems.push(`values.${name}: expected a non-empty list of strings`);
      continue;
    }
    out[name] = list as string[];
  }
  return out;
}

/** `think: 1s` or `think: [500ms, 2s]`. */
function think(r: Reader, v: unknown, at: string): [number, number] {
  const parts = Array.isArray(v) ? v : [v, v];
  const min = parseDurationMs(parts[0]);
  const max = parseDurationMs(parts[1]);
  if (min === undefined || max === undefined || max < min || parts.length !== 2) {
    r.problems.push(`${at}: expected a duration or [min, max], got ${JSON.stringify(v)}`);
    return [0, 0];
  }
  return [min, max];
}

/** Checks a parsed scenario document. */
export function readScenario(doc: unknown): ScenarioResult {
  const r = new Reader();
  if (!isObj(doc)) return { ok: false, problems: ['the scenario must be a mapping at the top level'] };
  const ex = executor(r, r.obj(doc, 'executor', ''));
  const users = r.obj(doc, 'users', '');
  const objective = r.obj(doc, 'objective', '');
  const data = r.obj(doc, 'data', '');
  const client = r.obj(doc, 'client', '');
  const thinkDefault = doc.think === undefined ? ([0, 0] as [number, number]) : think(r, doc.think, 'think');
  const values = valueLists(r, r.obj(doc, 'values', ''));
  const pool = {
    anonymous: r.num(users, 'anonymous', 'users', 1000, 1),
    signedIn: r.num(users, 'signedIn', 'users', 20, 0, 10_000),
    firstSignedIn: r.num(users, 'firstSignedIn', 'users', 1, 1),
  };
  const journeys = Array.isArray(doc.journeys)
    ? doc.journeys.map((j, i) =>
        journey(r, j, i, {
          thinkMs: thinkDefault,
          values: Object.keys(values),
          pool: { anonymous: pool.anonymous, 'signed-in': pool.signedIn },
        }),
      )
    : [];
  if (journeys.length === 0) r.problems.push('journeys: expected a list of at least one journey');
  const thresholds: Record<string, string[]> = {};
  for (const [key, conds] of Object.entries(r.obj(doc, 'thresholds', ''))) {
    const k = parseThresholdKey(key);
    if (!k.ok) r.problems.push(`thresholds.${key}: ${k.problem}`);
    const list = Array.isArray(conds) ? conds : [conds];
    for (const c of list) {
      const p =
        typeof c === 'string' ? parseCondition(c) : { ok: false as const, problem: 'expected a string' };
      if (!p.ok) r.problems.push(`thresholds.${key}: ${JSON.stringify(c)}: ${p.problem}`);
    }
    thresholds[key] = list.map(String);
  }
  const scenario: Scenario = {
    name: r.str(doc, 'name', ''),
    description: typeof doc.description === 'string' ? doc.description.trim() : '',
    seed: r.num(doc, 'seed', '', 1),
    executor: ex,
    stages: compileStages(ex),
    journeys,
    users: pool,
    objective: {
      latencyMs: r.ms(objective, 'latency', 'objective', 1000),
      degradedAbove: r.num(objective, 'degradedAbove', 'objective', 0.05, 0, 1),
    },
    data: {
      hotShare: r.num(data, 'hotShare', 'data', 0.8, 0, 1),
      maxOffset: r.num(data, 'maxOffset', 'data', 100, 0),
    },
    client: {
      connections: r.num(client, 'connections', 'client', 256, 1, 10_000),
      ...(client.preconnect === undefined ? {} : { preconnect: r.path(client, 'preconnect', 'client') }),
      timeoutMs: r.ms(client, 'timeout', 'client', 10_000),
      maxOutstanding: r.num(client, 'maxOutstanding', 'client', 20_000, 1),
      drainMs: r.ms(client, 'drain', 'client', 10_000),
    },
    values,
    thresholds,
  };
  if (journeys.some((j) => j.as === 'signed-in') && scenario.users.signedIn === 0) {
    r.problems.push('users.signedIn: signed-in journeys need at least one signed-in user');
  }
  return r.problems.length > 0 ? { ok: false, problems: r.problems } : { ok: true, scenario };
}

/** Reads and checks a scenario file; YAML is a superset of JSON, so both work. */
export function loadScenarioFile(file: string): ScenarioResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, problems: [`cannot read ${file}: ${(err as Error).message}`] };
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return { ok: false, problems: [`${file} is not valid YAML: ${(err as Error).message}`] };
  }
  return readScenario(doc);
}

/** Requests per journey, averaged over the weights: journeys arrive at rate / this. */
export function meanStepsPerJourney(journeys: readonly Journey[]): number {
  const w = journeys.reduce((a, j) => a + j.weight, 0);
  return journeys.reduce((a, j) => a + j.weight * j.steps.length, 0) / w;
}

/** Whether the journeys draw anything from the target (articles, tags, users) or sign anyone in. */
export function needsFixtures(s: Scenario): boolean {
  if (s.journeys.some((j) => j.as === 'signed-in')) return true;
  const text = JSON.stringify(s.journeys.map((j) => j.steps.map((st) => [st.path, st.body ?? null])));
  return /\{(slug|author|tag|username|me\.[a-z]+)\}/.test(text);
}
