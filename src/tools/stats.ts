// Latency and throughput accounting for the benchmark tools: counts, failures, average and maximum, and a
// fixed-bucket histogram for percentiles, kept per report window and in total without storing samples.

/** Histogram buckets: 10 µs wide up to 100 ms, then one overflow bucket. */
const BUCKET_US = 10;
const BUCKETS = 10_000;

export class LatencyStats {
  count = 0;
  failures = 0;
  sumUs = 0;
  maxUs = 0;
  private readonly buckets = new Uint32Array(BUCKETS + 1);

  record(us: number): void {
    this.count++;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
    const b = Math.floor(us / BUCKET_US);
    this.buckets[b < BUCKETS ? (b < 0 ? 0 : b) : BUCKETS]!++;
  }

  fail(): void {
    this.failures++;
  }

  get averageUs(): number {
    return this.count === 0 ? 0 : this.sumUs / this.count;
  }

  /** Upper edge of the bucket holding the p-th percentile, µs (the maximum when it is in the overflow bucket). */
  percentileUs(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.buckets[b]!;
      if (seen >= rank) return Math.min((b + 1) * BUCKET_US, this.maxUs);
    }
    return this.maxUs;
  }

  reset(): void {
    this.count = this.failures = this.sumUs = this.maxUs = 0;
    this.buckets.fill(0);
  }
}

/** A monotonic clock in µs (fractions kept). */
export function nowUs(): number {
  return Number(process.hrtime.bigint()) / 1000;
}

export function ms(us: number): string {
  return (us / 1000).toFixed(3);
}
