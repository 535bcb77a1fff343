/**
 * Upper bounds, in seconds, of the latency histograms' buckets (Prometheus `le`), chosen around
 * the pipeline's target of 20 ms: fine below 50 ms, coarse up to a minute. +Inf is implied.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** A histogram as read at one moment: per-bucket counts (not cumulative), the last one +Inf. */
export interface HistogramSnapshot {
  /** Bucket upper bounds in seconds, ascending; `counts` has one more entry (+Inf). */
  readonly bounds: readonly number[];
  readonly counts: readonly number[];
  /** Sum of every observation, in seconds. */
  readonly sum: number;
  readonly count: number;
}

/**
 * A fixed-bucket latency histogram in the Prometheus sense (cumulative buckets are made when it is
 * published). Invariants: counts only grow; `count` is the sum of `counts`; observe() allocates
 * nothing, so it can run once per batch or per record on a hot path.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(LATENCY_BUCKETS_SECONDS.length + 1);
  private sum = 0;
  private count = 0;

  /** Records `times` observations of `ms` milliseconds (a batch whose records share one latency). */
  observe(ms: number, times = 1): void {
    const seconds = ms > 0 ? ms / 1000 : 0;
    let i = 0;
    while (i < LATENCY_BUCKETS_SECONDS.length && seconds > (LATENCY_BUCKETS_SECONDS[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + times;
    this.sum += seconds * times;
    this.count += times;
  }

  /** Records, per item, now − its `timestamp` (ms since the epoch); one without (≤ 0) is not counted. */
  observeSince(items: readonly { readonly timestamp: number }[]): void {
    const now = Date.now();
    for (const item of items) if (item.timestamp > 0) this.observe(now - item.timestamp);
  }

  snapshot(): HistogramSnapshot {
    return { bounds: LATENCY_BUCKETS_SECONDS, counts: [...this.counts], sum: this.sum, count: this.count };
  }
}
