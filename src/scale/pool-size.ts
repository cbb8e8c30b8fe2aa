import { BulwarkError } from '../errors/index.js';

/** Connections each worker holds besides its pool: the guard's cancel connection, the EXPLAIN sampler's. */
export const CONTROL_CONNECTIONS_PER_WORKER = 2;

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
 * reserve, each worker also holding its control connections), so adding workers can never push the
 * database past its connection limit: a configuration that cannot fit stops start-up instead.
 */
export function poolSizePerWorker(input: PoolSizeInput): number {
  const workers = Math.max(1, input.workers);
  const wanted =
    input.configured > 0
      ? input.configured
      : Math.max(2, Math.ceil((2 * Math.max(1, input.dbCores) + 1) / workers));
  const budget = input.maxConnections - input.reserve;
  const budgetPerWorker = Math.floor(budget / workers) - CONTROL_CONNECTIONS_PER_WORKER;
  if (budgetPerWorker < 1) {
    const most = Math.floor(budget / (1 + CONTROL_CONNECTIONS_PER_WORKER));
    throw new BulwarkError(
      'CONFIG_ERR_INVALID',
      `${workers} workers need at least ${workers * (1 + CONTROL_CONNECTIONS_PER_WORKER)} connections, but the database allows ${budget} (max_connections ${input.maxConnections} minus guard.connectionReserve ${input.reserve}): use at most ${most} workers`,
    );
  }
  return Math.min(wanted, budgetPerWorker);
}
