export { eventLoopDelayOf } from './load-shedding.js';
export { type AppDeps, buildApp } from './server.js';
