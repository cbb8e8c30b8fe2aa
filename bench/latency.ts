import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from './driver-protocol.js';

/** A latency histogram in microseconds, 3 significant digits, from 1 µs up to 10 minutes. */
export function latencyHistogram(): Histogram {
  return build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
}

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

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}
