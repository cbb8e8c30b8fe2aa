export interface PoolSizeInput {
  /** `database.poolMax`; 0 means "derive it". */
  configured: number;
  dbCores: number;
  workers: number;
  /** The server's `max_connections`. */
  maxConnections: number;
  /** Connections left for operators and tools (`guard.connectionReserve`). */
  reserve: number;
}

/**
 * Connections per worker. PostgreSQL's throughput peaks near 2 × cores busy connections and past
 * that only latency grows, so the whole stack gets about `2 × dbCores + 1` connections, divided
 * among the workers (at least 2 each, so one slow query cannot block a worker's every request).
 * Whatever is asked, the total stays inside the server's budget (`max_connections` minus the
 * reserve, each worker also holding one control connection for cancels), so adding workers can never
 * push the database past its connection limit.
 */
export function poolSizePerWorker(input: PoolSizeInput): number {
  const workers = Math.max(1, input.workers);
  const wanted =
    input.configured > 0
      ? input.configured
      : Math.max(2, Math.ceil((2 * Math.max(1, input.dbCores) + 1) / workers));
  const budgetPerWorker = Math.floor((input.maxConnections - input.reserve) / workers) - 1;
  return Math.max(1, Math.min(wanted, budgetPerWorker));
}
