// Drills: the seed incident replayed on the stack as it was and as it is.
export { DRILL_USAGE, DrillUsageError, drillCli } from './cli-drill.js';
export { type DrillOutcome, writeDrillReports } from './drill-report.js';
export { PERF_CI_SCENARIO, PERF_CI_SEED, type PerfCiOptions, runPerfCi } from './perf-ci.js';
export {
  type DrillOptions,
  drillScenario,
  runSeedIncidentDrill,
  SEED_INCIDENT_SCENARIO,
} from './seed-incident.js';
export { type StackProcess, startStack } from './stack-process.js';
export { drillVerdicts, type Verdict } from './verdicts.js';
