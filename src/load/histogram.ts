import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js';

/** Percentiles of one latency distribution, in milliseconds (microsecond resolution). */
export interface LatencySummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  count: number;
}

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
  histogram.recordValue(Math.min(600_000_000, Math.max(1, Math.round(ms * 1000))));
}

const round = (us: number) => Math.round(us) / 1000;

/** A percentile read from a histogram, in ms, never above the largest value recorded. */
export function percentileMs(histogram: Histogram, p: number): number {
  if (histogram.totalCount === 0) return 0;
  return round(Math.min(histogram.getValueAtPercentile(p), histogram.maxValue));
}

export function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  const at = (p: number) => percentileMs(histogram, p);
  return {
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: count === 0 ? 0 : round(histogram.maxValue),
    mean: count === 0 ? 0 : round(histogram.mean),
    count,
  };
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** Adds encoded histograms (from several generator processes) into one. */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  const total = latencyHistogram();
  for (const e of encoded) {
    if (!e) continue;
    const h = decodeFromCompressedBase64(e, 32, false);
    total.add(h);
  }
  return total;
}
