// The workers' own view of response time, from the stack's /metrics: Fastify's clock runs from the
// moment a worker has read a request to its answer, so it leaves out the time a request spent in
// socket buffers behind a busy event loop and in the load driver. Read beside the driver's numbers,
// it says where a slow answer waited.
import { parseExposition } from '../test/support/exposition.js';

const FAMILY = 'http_server_request_duration_seconds_bucket';

/** Cumulative request counts by status class ('2xx', '503', …) and bucket bound (seconds). */
export type LatencyBuckets = Map<string, Map<number, number>>;

/** The stack's request-duration buckets by status; with `routes`, only those route templates'. */
export async function scrapeServerLatency(
  opsOrigin: string,
  routes?: ReadonlySet<string>,
): Promise<LatencyBuckets> {
  const res = await fetch(`${opsOrigin}/metrics`);
  if (!res.ok) throw new Error(`${opsOrigin}/metrics answered ${res.status}`);
  const out: LatencyBuckets = new Map();
  for (const s of parseExposition(await res.text()).samples) {
    if (s.name !== FAMILY) continue;
    if (routes && !routes.has(s.labels.http_route ?? '')) continue;
    const code = s.labels.http_response_status_code ?? '';
    const key = code.startsWith('2') ? '2xx' : code;
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    const byLe = out.get(key) ?? new Map<number, number>();
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
    out.set(key, byLe);
  }
  return out;
}

/** The same, or no buckets when the stack cannot answer its /metrics (a jammed pre-incident stack). */
export function scrapeServerLatencyOrNone(
  opsOrigin: string,
  routes?: ReadonlySet<string>,
): Promise<LatencyBuckets> {
  return scrapeServerLatency(opsOrigin, routes).catch((): LatencyBuckets => new Map());
}

/** Requests of `status` between two scrapes, and the share answered within each bucket bound. */
export interface ServerLatency {
  count: number;
  /** Bucket bound in ms → share of the requests answered within it. */
  within: Record<number, number>;
}

export function latencyBetween(before: LatencyBuckets, after: LatencyBuckets, status: string): ServerLatency {
  const a = after.get(status) ?? new Map<number, number>();
  const b = before.get(status) ?? new Map<number, number>();
  const count = (a.get(Number.POSITIVE_INFINITY) ?? 0) - (b.get(Number.POSITIVE_INFINITY) ?? 0);
  const within: Record<number, number> = {};
  for (const [le, n] of a) {
    if (Number.isFinite(le) && count > 0) within[Math.round(le * 1000)] = (n - (b.get(le) ?? 0)) / count;
  }
  return { count, within };
}

/** Sums per-run latencies of one status (weights by count). */
export function mergeLatency(parts: ServerLatency[]): ServerLatency {
  const count = parts.reduce((n, p) => n + p.count, 0);
  const within: Record<number, number> = {};
  for (const p of parts) {
    for (const [le, share] of Object.entries(p.within)) {
      within[Number(le)] = (within[Number(le)] ?? 0) + (share * p.count) / Math.max(1, count);
    }
  }
  return { count, within };
}
