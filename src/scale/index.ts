export { poolSizePerWorker } from './pool-size.js';
export { runSupervisor, type SupervisorHandle } from './supervisor.js';
export { runWorker } from './worker.js';
export { createWorkerData, guardQueueOptions, type WorkerData, type WorkerDataOptions } from './worker-db.js';
export { createWorkerTelemetry, type OutboundObserver, type WorkerTelemetry } from './worker-telemetry.js';
