import { hashOf } from './sql-random.js';
import { ENDINGS, FIRST_NAMES, LAST_NAMES, OBJECTS, SUBJECTS, VERBS } from './words.js';

/** A 32-bit integer hash (murmur3's finaliser); the TypeScript side's counterpart of `hashOf`. */
function mix(id: number, stream: number): number {
  let h = Math.imul(id ^ Math.imul(stream, 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The login of demo user `id` (1-based), so a load generator can sign in as any seeded user without
 * reading the database: `demoUser(17).email` with the demo password.
 */
export function demoUser(id: number): { username: string; email: string } {
  const first = FIRST_NAMES[mix(id, 1) % FIRST_NAMES.length];
  const last = LAST_NAMES[mix(id, 2) % LAST_NAMES.length];
  return { username: `${first}_${last}_${id}`, email: `user${id}@demo.conduit.example` };
}

/** A SQL `text[]` literal; the planner folds it into one constant per statement. */
export function sqlArray(values: readonly string[]): string {
  return `ARRAY[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')}]::text[]`;
}

// Arrays of variable-length elements are searched from the start on every subscript, so the
// vocabularies stay small (16-20 entries) and a sentence is four picks, not one pick from thousands.
const pick = (list: readonly string[], hash: string, shift: number) =>
  `(${sqlArray(list)})[1 + ((${hash} >> ${shift}) % ${list.length})::int]`;

/** SQL for one sentence ("The index revealed a hidden bottleneck under load.") chosen by `key`. */
export function sentence(key: string, stream: number): string {
  const h = hashOf(key, stream);
  return `(${pick(SUBJECTS, h, 0)} || ' ' || ${pick(VERBS, h, 8)} || ' ' || ${pick(OBJECTS, h, 16)} || ' ' || ${pick(ENDINGS, h, 24)} || '.')`;
}
