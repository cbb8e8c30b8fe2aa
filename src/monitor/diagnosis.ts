import type { DiagnosisVerdict, Suspect } from '../telemetry/index.js';
import type { DiagnosisInput } from './diagnosis-input.js';
import {
  type Candidate,
  cacheRule,
  context,
  cpuRule,
  dependencyRules,
  explainers,
  lockRule,
  networkRule,
  poolRule,
  queryRules,
  serverRule,
} from './diagnosis-rules.js';

/** A suspect needs at least this score (√impact × anomaly) to be named. */
export const SUSPECT_THRESHOLD = 0.2;

const scoreOf = (c: Candidate) => Math.sqrt(Math.max(0, c.impact)) * c.anomaly;
const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Names the bottleneck: every component is scored by the share of request time it holds (impact)
 * times how far it is from normal once other causes are discounted (anomaly): a queue for
 * connections caused by slower statements is charged to the statements, statements slowed by one
 * extra round trip to the network, by a blocked event loop to the workers, by a lock wait to the
 * lock. Suspects come ranked, with their numbers; what was checked and found normal is listed too,
 * so nobody spends hours on it.
 */
export function diagnose(input: DiagnosisInput): DiagnosisVerdict {
  const at = new Date(input.at).toISOString();
  if (input.current.requests === 0) {
    return { at, suspects: [], healthy: ['traffic: no request in the window; nothing to diagnose'] };
  }
  const c = context(input);
  const queries = queryRules(c);
  const others = [
    poolRule(c),
    lockRule(c),
    networkRule(c),
    cpuRule(c),
    serverRule(c),
    cacheRule(c),
    ...dependencyRules(c),
  ];
  const ranked = [...queries, ...others]
    .map((cand) => ({ cand, score: scoreOf(cand) }))
    .filter((x) => x.score >= SUSPECT_THRESHOLD)
    .sort((a, b) => b.score - a.score);
  const second = ranked[1]?.score ?? 0;
  const suspects: Suspect[] = ranked.map(({ cand, score }, i) => ({
    component: cand.component,
    ...(cand.target ? { target: cand.target } : {}),
    // The top suspect's confidence drops when a second one scores close to it.
    confidence: round2(
      Math.min(0.99, i === 0 ? score * (0.5 + (0.5 * (score - second)) / score) : score * 0.5),
    ),
    summary: cand.summary,
    evidence: cand.evidence,
    ...(cand.suggestion ? { suggestion: cand.suggestion } : {}),
  }));
  const named = new Set(ranked.map((x) => x.cand));
  const healthy = others.filter((o) => o.anomaly === 0 && !named.has(o)).map((o) => o.healthy);
  if (!queries.some((q) => q.anomaly > 0)) {
    const top = [...c.cur.queries].sort((a, b) => b.totalMs - a.totalMs)[0];
    const why = explainers(c);
    healthy.push(
      !top
        ? 'db.query: no statement in the window, normal'
        : why.length > 0
          ? `db.query: no statement slower than ${why.join(' and ')} explains; the costliest, \`${top.text.slice(0, 60)}\`, mean ${top.meanMs.toFixed(2)} ms`
          : `db.query: no statement slower than its normal; the costliest, \`${top.text.slice(0, 60)}\`, mean ${top.meanMs.toFixed(2)} ms, normal`,
    );
  }
  return { at, suspects, healthy };
}

/** One line for logs, alerts and the terminal: the top suspect, or "no bottleneck". */
export function verdictLine(v: DiagnosisVerdict): string {
  const top = v.suspects[0];
  if (!top) return 'no bottleneck found; every component checked is normal';
  return `${top.component}${top.target ? ` (${top.target})` : ''}, confidence ${Math.round(top.confidence * 100)}%: ${top.summary}${top.suggestion ? `; ${top.suggestion}` : ''}`;
}

/** The component of each healthy line (`db.network: …` → `db.network`). */
export const healthyComponents = (v: DiagnosisVerdict): string[] =>
  v.healthy.map((h) => (h.split(':')[0] ?? '').split(' ')[0] ?? '');
