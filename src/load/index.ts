// The load generator: open-model executors, scenario files, thresholds, reports, baselines.
export { type Ceiling, type CeilingStep, measureCeiling } from './ceiling.js';
export { EXIT_SLOWER, EXIT_THRESHOLDS, LOAD_USAGE, loadCli, UsageError } from './cli-load.js';
export {
  ALPHA,
  type Comparison,
  compareSamples,
  comparisonText,
  median,
  type RunSample,
  type SampleSet,
  sampleOf,
} from './compare.js';
export { defaultProcesses, RATE_PER_PROCESS, type RunOptions, runScenario } from './coordinator.js';
export { LATE_THRESHOLD_MS, type Progress } from './engine.js';
export {
  compileStages,
  type Executor,
  peakRate,
  type Stage,
  scaleExecutor,
  totalMs,
} from './executors.js';
export { type FixtureOptions, gatherFixtures } from './fixtures.js';
export type { Fixtures } from './fixtures-types.js';
export { count5xx, f0, f1, failuresByClass, msText, pct, statusText } from './format.js';
export {
  encodeHistogram,
  type LatencySummary,
  latencyHistogram,
  mergeEncoded,
  recordMs,
  summarize,
} from './histogram.js';
export { type MannWhitney, mannWhitney } from './mann-whitney.js';
export { prng, seedFor } from './prng.js';
export { progressPrinter } from './progress-line.js';
export { htmlReport, type LabelledRun } from './report-html.js';
export { markdownReport } from './report-markdown.js';
export type {
  GroupStats,
  LoadResult,
  PhaseStats,
  Slice,
  ThresholdOutcome,
  UserStats,
  UserTimeline,
} from './result-types.js';
export { loadScenarioFile, readScenario, type ScenarioResult } from './scenario.js';
export type { Journey, Scenario } from './scenario-types.js';
export { emptyFixtures, simpleScenario } from './simple-scenario.js';
export { esc } from './svg-chart.js';
export { evaluateThresholds } from './thresholds.js';
export { startTrivialServer, type TrivialServer } from './trivial-server.js';
export { impairedBetween, type SlowBasis, secondsInto, sliceRequests, usersBetween } from './windows.js';
export { stamp, writeRunReports } from './write-reports.js';
