/**
 * Query statistics: every statement fingerprinted, with calls, errors, rows, execution time and
 * pool wait over the last minute, a decayed baseline and since start; slow SELECTs explained on a
 * connection of their own. Wiring, for a worker:
 *
 *   const stats = createQueryStats();
 *   const explain = createExplainSampler({ stats, url, log: (e) => logger.warn(e, e.msg) });
 *   const db = instrumentDb(createGuardedDb({ url, poolSize, onQuery: markQuerySent }), stats, {
 *     explain,
 *     splitPoolWait: true,
 *   });
 *   // stats.snapshot() / stats.top(10) for telemetry and diagnosis; explain.close() on shutdown.
 */
export type { QuerySample, TimeStats, WindowStats } from './aggregate.js';
export { isExplainable } from './explain-policy.js';
export {
  createExplainSampler,
  type ExplainConnection,
  type ExplainCounters,
  type ExplainOutcome,
  type ExplainSampler,
  type ExplainSamplerOptions,
  type SlowQueryCandidate,
  type SlowQueryLogEntry,
} from './explain-sampler.js';
export { type Fingerprint, type FingerprintOptions, fingerprint, normalizeSql } from './fingerprint.js';
export {
  type DurationClock,
  errorCodeOf,
  type InstrumentOptions,
  instrumentDb,
  markQuerySent,
  type StatementTiming,
} from './instrument-db.js';
export { type PlanShape, type PlanSummary, type SeqScan, summarisePlan } from './plan-summary.js';
export {
  createQueryStats,
  type FingerprintStats,
  OTHER_ID,
  type QueryRecord,
  type QueryStats,
  type QueryStatsOptions,
  type QueryStatsSnapshot,
  type Ranking,
  type StatsClock,
} from './query-stats.js';
