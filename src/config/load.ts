import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Value } from '@sinclair/typebox/value';
import { OPTIONS, type OptionInfo } from './options.js';
import { type Config, ConfigSchema } from './schema.js';

export type ConfigResult = { ok: true; config: Readonly<Config> } | { ok: false; problems: string[] };

export interface ConfigSources {
  /** Path of a JSON config file; when absent, `bulwark.config.json` in the cwd is read if present. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Dotted option paths from the command line, e.g. `{ 'http.port': '3001' }`. */
  flags?: Record<string, string>;
}

const DEFAULT_FILE = 'bulwark.config.json';

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object'
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** Strings from the environment or the command line, converted to the option's type. */
function coerce(option: OptionInfo, raw: string, origin: string, problems: string[]): unknown {
  if (option.type === 'integer' || option.type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) {
      problems.push(`${option.path}: ${origin} gives ${JSON.stringify(raw)}, expected a number`);
      return undefined;
    }
    return n;
  }
  if (option.type === 'boolean') {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    problems.push(`${option.path}: ${origin} gives ${JSON.stringify(raw)}, expected true or false`);
    return undefined;
  }
  // Lists (alert receivers) come as comma-separated values from the environment or a flag.
  if (option.type === 'array')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return raw;
}

/**
 * Resolves the configuration: defaults < config file < environment < flags. Returns every problem
 * at once instead of stopping at the first, so an operator fixes a bad config in one pass.
 */
export function loadConfig(sources: ConfigSources = {}): ConfigResult {
  const env = sources.env ?? process.env;
  const problems: string[] = [];
  let layered: Record<string, unknown> = {};

  const file = sources.file ?? env.BULWARK_CONFIG ?? (existsSync(DEFAULT_FILE) ? DEFAULT_FILE : undefined);
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        problems.push(`config file ${file}: expected a JSON object`);
      } else {
        layered = deepMerge(layered, parsed as Record<string, unknown>);
      }
    } catch (err) {
      problems.push(`config file ${file}: ${(err as Error).message}`);
    }
  }

  const known = new Set(OPTIONS.map((o) => o.path));
  for (const option of OPTIONS) {
    const raw = env[option.env];
    if (raw !== undefined && raw !== '') {
      const value = coerce(option, raw, `environment ${option.env}`, problems);
      if (value !== undefined) setPath(layered, option.path, value);
    }
  }
  for (const [path, raw] of Object.entries(sources.flags ?? {})) {
    const option = OPTIONS.find((o) => o.path === path);
    if (!option || !known.has(path)) {
      problems.push(`--${path}: unknown option`);
      continue;
    }
    const value = coerce(option, raw, `flag --${path}`, problems);
    if (value !== undefined) setPath(layered, path, value);
  }

  const candidate = Value.Default(ConfigSchema, structuredClone(layered)) as Record<string, unknown>;
  for (const error of Value.Errors(ConfigSchema, candidate)) {
    const path = error.path.replace(/^\//, '').replace(/\//g, '.') || '(root)';
    problems.push(`${path}: ${error.message} (given ${JSON.stringify(error.value)})`);
  }
  if (problems.length > 0) return { ok: false, problems };

  const config = candidate as Config;
  if (config.workers === 0) config.workers = availableParallelism();
  return { ok: true, config: deepFreeze(config) };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
