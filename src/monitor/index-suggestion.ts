import type { PlanShape, SeqScan } from '../data/index.js';

/**
 * The columns a sequential scan's filter compares, in order: `((author_id = ?) AND (created_at > ?))`
 * → `author_id, created_at`. Equality columns first, since an index serves them best leading.
 */
export function filterColumns(filter: string): string[] {
  const eq: string[] = [];
  const range: string[] = [];
  for (const m of filter.matchAll(
    /\(?\s*(?:\w+\.)?"?([a-z_][a-z0-9_]*)"?\s*(=|<>|<=|>=|<|>|~~\*?|!~~)\s*/gi,
  )) {
    const col = (m[1] as string).toLowerCase();
    const list = m[2] === '=' ? eq : range;
    if (!eq.includes(col) && !range.includes(col) && !/^\d/.test(col)) list.push(col);
  }
  return [...eq, ...range];
}

/** The biggest sequential scan with a filter: the usual missing index. */
export function worstSeqScan(plan: PlanShape | null): SeqScan | undefined {
  return plan?.seqScans.filter((s) => s.filter).sort((a, b) => b.estimatedRows - a.estimatedRows)[0];
}

/** `CREATE INDEX CONCURRENTLY ON articles (author_id)` for a plan's worst filtered Seq Scan, if any. */
export function suggestIndex(plan: PlanShape | null): string | undefined {
  const scan = worstSeqScan(plan);
  if (!scan?.filter) return undefined;
  const cols = filterColumns(scan.filter);
  if (cols.length === 0) return undefined;
  const table = scan.schema && scan.schema !== 'public' ? `${scan.schema}.${scan.relation}` : scan.relation;
  return `CREATE INDEX CONCURRENTLY ON ${table} (${cols.join(', ')})`;
}
