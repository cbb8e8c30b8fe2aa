export { type AdaptiveLimit, type AdaptiveLimitOptions, createAdaptiveLimit } from './adaptive-limit.js';
export {
  type Admission,
  type AdmissionQueue,
  type AdmissionQueueOptions,
  createAdmissionQueue,
  REJECTION_REASONS,
  type RejectionReason,
} from './admission-queue.js';
export { type BackendCanceller, type CancelBackend, createBackendCanceller } from './backend-canceller.js';
export { type BulkheadOptions, type Bulkheads, bulkheadDecision, createBulkheads } from './bulkheads.js';
export { type Clock, systemClock } from './clock.js';
export type { CancelReason, ClassStats, GuardEvent, GuardStats } from './guard-stats.js';
export {
  type ClassPolicy,
  createGuardedDb,
  DEFAULT_CLASS_POLICIES,
  type GuardedDb,
  type GuardedDbOptions,
  type RefusalNow,
  timeoutFits,
} from './guarded-db.js';
export { createManualClock, type ManualClock } from './manual-clock.js';
export {
  currentRequestContext,
  joinRequestContext,
  QUERY_CLASSES,
  type QueryClass,
  type RequestContext,
  runWithRequestContext,
} from './request-context.js';
