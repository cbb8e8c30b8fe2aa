import type { TSchema } from '@sinclair/typebox';
import { ConfigSchema, ENV_ALIASES } from './schema.js';

/** One leaf option of the configuration, flattened from the schema. */
export interface OptionInfo {
  path: string;
  env: string;
  type: string;
  default: unknown;
  description: string;
  schema: TSchema;
}

/** `http.bodyLimitBytes` → `BULWARK_HTTP_BODY_LIMIT_BYTES`. */
export function envNameOf(path: string): string {
  const alias = Object.entries(ENV_ALIASES).find(([, p]) => p === path);
  if (alias) return alias[0];
  return `BULWARK_${path
    .replace(/\./g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()}`;
}

function walk(schema: TSchema, prefix: string, out: OptionInfo[]): void {
  if (schema.type === 'object' && schema.properties) {
    for (const [key, child] of Object.entries(schema.properties as Record<string, TSchema>)) {
      walk(child, prefix ? `${prefix}.${key}` : key, out);
    }
    return;
  }
  out.push({
    path: prefix,
    env: envNameOf(prefix),
    type: schema.type ? String(schema.type) : 'string',
    default: schema.default,
    description: String(schema.description ?? ''),
    schema,
  });
}

/** Every leaf option, in schema order. */
export const OPTIONS: readonly OptionInfo[] = (() => {
  const out: OptionInfo[] = [];
  walk(ConfigSchema, '', out);
  return Object.freeze(out);
})();
