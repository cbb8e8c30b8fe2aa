import type { EngineJob, EngineResult, Progress } from './engine.js';

/** Parent → generator process. */
export type ToWorker = { type: 'job'; job: EngineJob } | { type: 'start'; atEpochMs: number };

/** Generator process → parent. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; progress: Progress }
  | { type: 'result'; result: EngineResult }
  | { type: 'error'; message: string };
