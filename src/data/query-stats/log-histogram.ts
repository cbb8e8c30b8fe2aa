/**
 * A log-linear histogram of durations, HdrHistogram's bucket layout at low resolution: values in
 * microseconds, exact below 16 µs, then 16 linear sub-buckets per power of two, so a percentile is
 * within 1/32 (3.2%) of the true value. Sparse (a Map of non-empty buckets, at most 512), because
 * the stats keep two per fingerprint per 10 s bucket for up to 500 fingerprints: a dense array (or
 * hdr-histogram-js, whose smallest useful layout is a few KB per instance) would cost tens of MB
 * when most of it stays zero; one query's times fall in a few dozen buckets. Counts may be
 * fractional so that a decayed baseline is the same type.
 */

const SUB_BITS = 4;
const SUB = 1 << SUB_BITS;
// 2^32 µs is 71 minutes: beyond any statement_timeout; larger values land in the top bucket.
const MAX_US = 2 ** 32 - 1;

/** The bucket of a value in microseconds. */
export function bucketOf(us: number): number {
  const v = Math.min(MAX_US, Math.max(0, Math.floor(us)));
  if (v < SUB) return v;
  const e = 31 - Math.clz32(v);
  return SUB + (e - SUB_BITS) * SUB + ((v >>> (e - SUB_BITS)) - SUB);
}

/** The value (µs) that stands for a bucket: its middle, or the value itself below 16 µs. */
export function bucketValue(index: number): number {
  if (index < SUB) return index;
  const e = Math.floor((index - SUB) / SUB) + SUB_BITS;
  const width = 2 ** (e - SUB_BITS);
  const lower = (SUB + ((index - SUB) % SUB)) * width;
  return lower + width / 2;
}

export class LogHistogram {
  private readonly counts = new Map<number, number>();
  count = 0;

  recordMs(ms: number): void {
    const b = bucketOf(ms * 1000);
    this.counts.set(b, (this.counts.get(b) ?? 0) + 1);
    this.count++;
  }

  /** Adds `other`'s counts, each multiplied by `weight`. */
  add(other: LogHistogram, weight = 1): void {
    for (const [b, c] of other.counts) this.counts.set(b, (this.counts.get(b) ?? 0) + c * weight);
    this.count += other.count * weight;
  }

  scale(factor: number): void {
    for (const [b, c] of this.counts) this.counts.set(b, c * factor);
    this.count *= factor;
  }

  /** The value at quantile `q` (0–1) in milliseconds; 0 when empty. */
  quantileMs(q: number): number {
    if (this.count <= 0) return 0;
    const target = Math.max(q * this.count, Number.MIN_VALUE);
    const buckets = [...this.counts.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const b of buckets) {
      seen += this.counts.get(b) as number;
      // A relative tolerance: decayed counts are sums of products and never add up exactly.
      if (seen >= target * (1 - 1e-9)) return bucketValue(b) / 1000;
    }
    return bucketValue(buckets[buckets.length - 1] as number) / 1000;
  }
}
