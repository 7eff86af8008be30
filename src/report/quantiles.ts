/**
 * Percentiles in bounded memory. The first EXACT_LIMIT values are kept as they are (exact percentiles); past that,
 * every value is counted in logarithmic buckets 1 % wide, so a stack's p50/p95 over any number of runs costs at most
 * a few hundred numbers and stays within 0.5 %.
 */
const EXACT_LIMIT = 512;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);

export class QuantileSketch {
  private exact: number[] | undefined = [];
  private readonly buckets = new Map<number, number>();
  private zeros = 0;
  count = 0;

  add(ms: number): void {
    this.count += 1;
    if (this.exact) {
      this.exact.push(ms);
      if (this.exact.length <= EXACT_LIMIT) return;
      const values = this.exact;
      this.exact = undefined;
      for (const value of values) this.count_(value);
      return;
    }
    this.count_(ms);
  }

  /** Nearest rank: the smallest value with at least q of the values at or below it; null when empty. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    if (this.exact) return [...this.exact].sort((a, b) => a - b)[rank - 1] ?? null;
    if (rank <= this.zeros) return 0;
    let seen = this.zeros;
    for (const bucket of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(bucket) ?? 0;
      // The bucket's geometric middle: within half a bucket of any value in it.
      if (seen >= rank) return Math.round(GROWTH ** (bucket + 0.5));
    }
    return null;
  }

  private count_(ms: number): void {
    if (ms < 1) {
      this.zeros += 1;
      return;
    }
    const bucket = Math.floor(Math.log(ms) / LOG_GROWTH);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
  }
}
