import { LatencyHistogram } from './latency-histogram.js';
import type { HistogramSnapshot } from './latency-histogram.js';

/** Count, total and maximum of a duration, in milliseconds. */
export interface DurationSummary {
  readonly count: number;
  readonly totalMs: number;
  readonly maxMs: number;
}

/** A task's figures, in the spirit of Kafka Connect's task metrics. Counters only grow. */
export interface TaskMetricsSnapshot {
  /** Source: records polled. Sink: records read from Kafka. */
  readonly recordsIn: number;
  /** Source: records acknowledged by Kafka. Sink: records handed to put. */
  readonly recordsOut: number;
  readonly batches: number;
  readonly largestBatch: number;
  /** Source: poll() durations. Sink: put() durations (retries included). */
  readonly taskCalls: DurationSummary;
  readonly offsetCommits: number;
  readonly offsetCommitFailures: number;
  /** Sink: put() and flush() calls that threw a RetriableError and were retried after a backoff. */
  readonly retries: number;
  /** Errant records skipped under errors.tolerance=all (sent to the DLQ when one is set). */
  readonly errantRecords: number;
  /** Sink: records in Kafka not yet committed by this task, summed over its partitions. */
  readonly recordLag?: number;
  /** Sink: partitions the consumer group assigned to this task now; 0 while it waits for them. */
  readonly assignedPartitions?: number;
  /**
   * Sink: of those, the partitions librdkafka fetches rather than the direct fetch path: ones with
   * batches that path cannot read (lz4, snappy, zstd), or all of them where it is off (TLS, SASL,
   * SLUICE_KAFKA_FETCH=library).
   */
  readonly libraryFetchedPartitions?: number;
  /** The task's own gauges (SourceTask/SinkTask.metrics), e.g. `mongodb.lag.ms`. */
  readonly gauges?: Readonly<Record<string, number>>;
  /**
   * Per record, how long it took to be delivered. Source: from the poll() that returned it to
   * Kafka's acknowledgement. Sink: from its Kafka timestamp to the target's acknowledgement
   * (reported by the task through ctx.acknowledged; empty for a sink that does not report).
   */
  readonly deliveryLatency: HistogramSnapshot;
}

/**
 * A task runner's measurements. Updated on the hot path with plain additions (no allocation);
 * read through snapshot(), which the worker publishes (e.g. as Prometheus metrics).
 */
export class TaskMetrics {
  recordsIn = 0;
  recordsOut = 0;
  batches = 0;
  largestBatch = 0;
  offsetCommits = 0;
  offsetCommitFailures = 0;
  retries = 0;
  /** See TaskMetricsSnapshot.deliveryLatency. */
  readonly deliveryLatency = new LatencyHistogram();
  private calls = 0;
  private callTotalMs = 0;
  private callMaxMs = 0;

  /** Records one task call (poll or put) and the batch it moved. */
  observeBatch(size: number, startedAt: number): void {
    const ms = performance.now() - startedAt;
    this.calls += 1;
    this.callTotalMs += ms;
    if (ms > this.callMaxMs) this.callMaxMs = ms;
    if (size === 0) return;
    this.batches += 1;
    if (size > this.largestBatch) this.largestBatch = size;
  }

  snapshot(
    extra: Pick<TaskMetricsSnapshot, 'errantRecords'> &
      Partial<Pick<TaskMetricsSnapshot, 'recordLag' | 'assignedPartitions' | 'libraryFetchedPartitions' | 'gauges'>>,
  ): TaskMetricsSnapshot {
    return {
      recordsIn: this.recordsIn,
      recordsOut: this.recordsOut,
      batches: this.batches,
      largestBatch: this.largestBatch,
      taskCalls: { count: this.calls, totalMs: Math.round(this.callTotalMs), maxMs: Math.round(this.callMaxMs) },
      offsetCommits: this.offsetCommits,
      offsetCommitFailures: this.offsetCommitFailures,
      retries: this.retries,
      deliveryLatency: this.deliveryLatency.snapshot(),
      ...extra,
    };
  }
}
