import { normalizeSql } from './fingerprint.js';

/** A sequential scan in a plan: the usual shape of a missing index. */
export interface SeqScan {
  relation: string;
  schema?: string;
  /** The planner's estimate of rows coming out of the scan (after its filter). */
  estimatedRows: number;
  /** The filter's shape, literals replaced by `?`: the custom plan inlines parameter values. */
  filter?: string;
}

/** What an EXPLAIN said about a statement, small enough to keep per fingerprint and log. */
export interface PlanShape {
  top: { nodeType: string; relation?: string };
  totalCost: number;
  estimatedRows: number;
  seqScans: SeqScan[];
  /** Indexes the plan uses, by name. */
  indexes: string[];
}

/** A plan kept with its fingerprint: when it was taken and how slow the execution that asked was. */
export interface PlanSummary extends PlanShape {
  capturedAt: number;
  durationMs: number;
}

interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  Schema?: string;
  'Index Name'?: string;
  'Total Cost'?: number;
  'Plan Rows'?: number;
  Filter?: string;
  Plans?: PlanNode[];
}

/**
 * The summary of an `EXPLAIN (FORMAT JSON)` result (the `QUERY PLAN` value). Filters are kept only as
 * shapes, since the custom plan for a parameterised statement shows its values.
 */
export function summarisePlan(queryPlan: unknown): PlanShape {
  const root = (Array.isArray(queryPlan) ? queryPlan[0] : queryPlan) as { Plan?: PlanNode } | undefined;
  const plan = root?.Plan ?? {};
  const seqScans: SeqScan[] = [];
  const indexes = new Set<string>();
  const walk = (node: PlanNode) => {
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) {
      seqScans.push({
        relation: node['Relation Name'],
        ...(node.Schema ? { schema: node.Schema } : {}),
        estimatedRows: node['Plan Rows'] ?? 0,
        ...(node.Filter ? { filter: normalizeSql(node.Filter) } : {}),
      });
    }
    if (node['Index Name']) indexes.add(node['Index Name']);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan);
  return {
    top: {
      nodeType: plan['Node Type'] ?? 'unknown',
      ...(plan['Relation Name'] ? { relation: plan['Relation Name'] } : {}),
    },
    totalCost: plan['Total Cost'] ?? 0,
    estimatedRows: plan['Plan Rows'] ?? 0,
    seqScans,
    indexes: [...indexes],
  };
}
