import { normalizeSql } from './fingerprint.js';

// Row-locking clauses are allowed: see isExplainable.
const LOCKING_CLAUSE = /\bfor (?:no key )?update\b|\bfor (?:key )?share\b/g;
const WRITES = /\b(?:insert|update|delete|merge|into|copy|call|do|execute|prepare|lock|truncate)\b/;

/**
 * Whether a sampled EXPLAIN may be run for this statement: a single SELECT (or WITH … SELECT) that
 * writes nothing. Plain EXPLAIN never executes the statement, so this is not about side effects; it
 * keeps the explainer to what it is for (read plans, where a missing index shows as a Seq Scan),
 * and out of writes, whose EXPLAIN takes ROW EXCLUSIVE locks on their tables while it plans, and
 * whose slowness is usually locks, triggers or index upkeep that no plan shows.
 * `SELECT … FOR UPDATE/SHARE` is explained: planning it takes only ROW SHARE on the table (which
 * conflicts with nothing but EXCLUSIVE and ACCESS EXCLUSIVE, and the explainer's lock_timeout bounds
 * that), no row is locked, and an index scan in its plan is the evidence that its time went to waiting
 * for a row lock, not to the plan.
 */
export function isExplainable(sql: string): boolean {
  const text = normalizeSql(sql).replace(LOCKING_CLAUSE, ' ');
  if (!/^\(*(?:select|with)\b/.test(text)) return false;
  if (text.includes(';')) return false; // more than one statement
  return !WRITES.test(text);
}
