export { APP_TABLES, advanceSequences, isDatabaseEmpty, truncateAppTables } from './app-tables.js';
export { recomputeCounters } from './counters.js';
export { DEFAULT_DEMO_PASSWORD, hashDemoPassword } from './demo-password.js';
export { demoUser } from './demo-text.js';
export { type SeedOptions, type SeedResult, type SeedStep, seedDemo } from './seed-demo.js';
export { type DemoSizes, sizeProblems } from './sizes.js';
