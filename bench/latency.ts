import type { Histogram } from 'hdr-histogram-js';
import { encodeHistogram, latencyHistogram, recordMs } from '../src/load/index.js';
import type { LatencySummary } from './driver-protocol.js';

// The histogram itself is the load generator's (microseconds, 3 significant digits); the bench's
// summaries stay in microseconds, as its JSON results have always been.
export { encodeHistogram, latencyHistogram, recordMs };

export function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  // a percentile reads the top of its bucket, which can exceed the largest value recorded
  const at = (p: number) =>
    count === 0 ? 0 : Math.min(histogram.getValueAtPercentile(p), histogram.maxValue);
  return {
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: count === 0 ? 0 : histogram.maxValue,
    mean: count === 0 ? 0 : Math.round(histogram.mean),
    count,
  };
}
