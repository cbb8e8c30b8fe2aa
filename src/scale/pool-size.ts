/**
 * Connections per worker. PostgreSQL's throughput peaks near 2 × cores busy connections and past
 * that only latency grows, so the whole stack gets about `2 × dbCores + 1` connections, divided
 * among the workers (at least 2 each, so one slow query cannot block a worker's every request).
 */
export function poolSizePerWorker(options: { configured: number; dbCores: number; workers: number }): number {
  if (options.configured > 0) return options.configured;
  const total = 2 * Math.max(1, options.dbCores) + 1;
  return Math.max(2, Math.ceil(total / Math.max(1, options.workers)));
}
