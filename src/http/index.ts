export { eventLoopDelayOf } from './load-shedding.js';
export { type HttpTelemetry, UNMATCHED_ROUTE } from './request-telemetry.js';
export { type AppDeps, buildApp } from './server.js';
