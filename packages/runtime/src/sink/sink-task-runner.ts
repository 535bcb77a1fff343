import type { Message } from '@confluentinc/kafka-javascript';
import type { SinkRecord, SinkTask, TopicPartition } from '@sluice/sdk';
import { isRetriableError } from '@sluice/sdk';
import type { RetryOptions } from '../errors/retry.js';
import { withRetries } from '../errors/retry.js';
import type { RebalanceListener } from '../kafka/consumer-options.js';
import { KafkaGroupConsumer } from '../kafka/consumer.js';
import { keyOf, partitionName, topicsOf } from '../kafka/topic-partitions.js';
import { KafkaProducer } from '../kafka/producer.js';
import { Waker } from '../kafka/waker.js';
import { TaskRunner } from '../task-runner.js';
import { OffsetCommits } from './offset-commits.js';
import { OriginalMessages } from './original-messages.js';
import { PendingOffsets } from './pending-offsets.js';
import type { SinkRunnerOptions } from './sink-runner-options.js';
import { groupMembership } from './group-membership.js';
import type { RecordConversion } from './sink-records.js';
import { convertBatch, errantOf, keepHeld, reencoded, takesValueJsonText } from './sink-records.js';
import { TaskCalls } from './task-calls.js';
import { retrying, taskCallRetry } from './task-call-retry.js';

/** How long a revocation retries a failing flush before it releases the partitions uncommitted. */
const REVOCATION_FLUSH_MS = 10_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * Runs one sink task: consume (auto-commit off) → convert → put → on the commit interval, on
 * revocation and on stop: flush, then commit exactly the offsets of what was put before that
 * flush. Offsets never pass a record that is not durable in the target; after a crash, records
 * since the last commit are delivered again.
 *
 * Invariant: calls into the task never overlap (TaskCalls); `pending` holds offsets only of
 * partitions the task holds; the task's signal aborts only after stop()'s final flush and commit (or when it ran out of time).
 */
export class SinkTaskRunner extends TaskRunner implements RebalanceListener {
  private readonly consumer: KafkaGroupConsumer;
  private readonly deadLetters: KafkaProducer | undefined;
  private readonly pending = new PendingOffsets();
  private readonly commits: OffsetCommits;
  /** Kept only when reported records go to a dead-letter queue. */
  private readonly originals: OriginalMessages | undefined;
  /** Values go to the task as JSON text (fixed by the connector and its converter and transforms). */
  private readonly valueJsonText: boolean;
  private readonly calls = new TaskCalls();
  private readonly wakeup = new Waker();
  private task: SinkTask | undefined;
  /** A failure of work done for the consumer (open, revocation), rethrown by the loop. */
  private sideFailure: { error: unknown } | undefined;
  /** A put failed and waits for its next attempt: a pause can be acknowledged at once. */
  private betweenAttempts = false;
  /** Set once the final flush began: later revocations only release. */
  private finished = false;
  /** Records handed to put, for metrics and tests. */
  delivered = 0;

  constructor(private readonly options: SinkRunnerOptions) {
    let deadLetters: KafkaProducer | undefined;
    super(options, (policy, overrides) => {
      if (policy['errors.deadletterqueue.topic.name'] === '') return undefined;
      const settings = { ...options.kafka, 'client.id': `${options.connectorName}-dlq`, ...overrides };
      deadLetters = new KafkaProducer(settings);
      return deadLetters;
    });
    this.deadLetters = deadLetters;
    if (deadLetters && this.policy['errors.tolerance'] === 'all') this.originals = new OriginalMessages();
    this.consumer = new KafkaGroupConsumer(
      { 'session.timeout.ms': 10_000, ...options.kafka, ...this.clients.consumer },
      { ...groupMembership(options), rebalance: this, log: this.common.log },
    );
    this.commits = new OffsetCommits(this.consumer, this.pending, this.metrics, this.common.log);
    this.valueJsonText = takesValueJsonText(options.connector.valueJsonText, this.valueConverter, this.transform);
  }

  async start(): Promise<void> {
    const { options } = this;
    await Promise.all([this.consumer.connect(), this.deadLetters?.connect()]);
    this.task = await options.connector.createTask(options.taskConfig as never, {
      connector: options.connectorName,
      taskId: options.taskId,
      log: options.log,
      signal: this.taskController.signal,
      report: (record, error) => this.reportFromTask(record, error),
      acknowledged: (records) => this.metrics.deliveryLatency.observeSince(records),
    });
    this.consumer.subscribe(options.topics);
    const task = this.task;
    this.launch(() => this.run(task));
  }

  /** Resolves once the group assigned partitions to this task (for tests and measurements). */
  waitForAssignment(timeoutMs?: number): Promise<void> {
    return this.consumer.waitForAssignment(timeoutMs);
  }

  /**
   * Stops consuming; flushes and commits what was put; closes the partitions; aborts the task's
   * signal; closes the task and the consumer (leaving the group). Past `timeoutMs` the signal
   * aborts at once, so a task stuck in its final flush lets go.
   */
  async stop(timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const overtime = setTimeout(() => this.abortTask(), timeoutMs);
    overtime.unref();
    const ended = this.endLoop();
    this.consumer.interrupt();
    this.wakeup.wake();
    await ended;
    const task = this.task;
    if (task) await this.calls.run(() => this.finish(task, deadline)).catch((error: unknown) => this.fail(error));
    clearTimeout(overtime);
    this.abortTask(); // nothing more is asked of the task but close()
    const [closed] = await Promise.allSettled([
      task?.close(),
      this.consumer.disconnect(),
      this.deadLetters?.disconnect(),
    ]);
    if (closed.status === 'rejected') this.common.log.warn('task close failed', { error: String(closed.reason) });
    this.markStopped();
  }

  assigned(partitions: readonly TopicPartition[]): void {
    if (partitions.length === 0) return; // a cooperative rebalance that gave this task nothing new
    this.common.log.info('partitions assigned', { partitions: partitions.map(partitionName) });
    const task = this.task;
    if (!task?.open || this.finished) return;
    this.calls.run(() => task.open?.(partitions) ?? Promise.resolve()).catch((error: unknown) => this.failSide(error));
  }

  revoked(partitions: readonly TopicPartition[], lost: boolean): Promise<void> {
    if (partitions.length === 0) return Promise.resolve();
    this.common.log.info(lost ? 'partitions lost' : 'partitions revoked', {
      partitions: partitions.map(partitionName),
    });
    return this.calls.run(() => this.release(partitions, lost)).catch((error: unknown) => this.failSide(error));
  }

  override pause(): Promise<void> {
    const acknowledged = super.pause();
    this.consumer.interrupt(); // the loop sees the pause now, not after its wait
    if (this.betweenAttempts) this.acknowledgePause(); // a put waiting to be retried: nothing moves
    return acknowledged;
  }

  protected override onResume(): void {
    this.consumer.resumeAll();
    this.wakeup.wake();
  }

  /** The runner's figures and the task's own gauges, when it has any. */
  override metricsSnapshot() {
    const gauges = this.task?.metrics?.();
    return this.metrics.snapshot({
      errantRecords: this.errors.skipped,
      recordLag: this.consumer.lag(),
      assignedPartitions: this.consumer.assignment().length,
      libraryFetchedPartitions: this.consumer.libraryFetchedPartitions(),
      ...(gauges === undefined ? {} : { gauges }),
    });
  }

  private async run(task: SinkTask): Promise<void> {
    const signal = this.stopController.signal;
    const interval = this.options.commitIntervalMs ?? 5000;
    const unlessStopping = (error: unknown) => {
      if (!signal.aborted) throw error;
    };
    let lastCommit = Date.now();
    while (!signal.aborted) {
      if (this.sideFailure) throw this.sideFailure.error;
      if (this.paused) {
        this.consumer.pauseAll();
        this.acknowledgePause();
        await this.wakeup.wait(Math.min(interval, 1000)); // flushes and commits go on while paused
      } else {
        // waits without a timer storm: arrivals, rebalances, pause and stop all cut the wait short
        const wait = Math.max(1, Math.min(1000, lastCommit + interval - Date.now()));
        const most = this.clients.maxPollRecords ?? this.options.maxBatch ?? 2000;
        const messages = await this.consumer.consume(most, wait);
        if (messages.length > 0) await this.deliver(task, messages).catch(unlessStopping);
      }
      if (Date.now() - lastCommit >= interval && !signal.aborted) {
        const retry = this.taskRetry('flush', -1, signal);
        await withRetries(() => this.calls.run(() => this.flushAndCommit(task)), retry).catch(unlessStopping);
        lastCommit = Date.now();
      }
    }
  }

  /**
   * Converts and puts a batch, a RetriableError retried without limit. Each attempt is its own
   * task call, so a revocation is handled in between; the next attempt then carries only the
   * records of partitions still held.
   */
  private async deliver(task: SinkTask, messages: Message[]): Promise<void> {
    this.metrics.recordsIn += messages.length;
    this.common.onTopics?.(topicsOf(messages));
    let batch = await convertBatch(messages, this.conversion());
    this.originals?.add(batch.records, batch.sources);
    const startedAt = performance.now();
    const attempt = async () => {
      batch = keepHeld(batch, new Set(this.consumer.assignment().map(keyOf)));
      if (batch.records.length > 0) await task.put(batch.records);
      this.pending.record(batch.messages); // in the same task call: a revocation sees the put
    };
    await retrying(() => this.calls.run(attempt), this.taskRetry('put', -1, this.stopController.signal), {
      before: () => this.untilResumed(), // a pause between two attempts holds the next one
      waiting: (yes) => (this.betweenAttempts = yes),
    });
    this.metrics.observeBatch(batch.records.length, startedAt);
    this.metrics.recordsOut += batch.records.length;
    if (this.delivered === 0) this.common.log.debug('first records put', { records: batch.records.length });
    this.delivered += batch.records.length;
  }

  private async untilResumed(): Promise<void> {
    while (this.paused && !this.stopController.signal.aborted) {
      this.consumer.pauseAll();
      this.acknowledgePause();
      await this.wakeup.wait(1000);
    }
  }

  /** Flush first; then commit only what that flush made durable. Called inside a task call. */
  private async flushAndCommit(task: SinkTask): Promise<void> {
    if (this.pending.size === 0) return;
    const covered = this.pending.snapshot();
    await task.flush();
    if (this.metrics.offsetCommits === 0) this.common.log.debug('first flush', { partitions: covered.length });
    this.originals?.clear();
    await this.commits.commit(covered);
  }

  /**
   * Partitions leave the task: revoked, they are flushed and committed first (a flush still
   * failing after REVOCATION_FLUSH_MS leaves them uncommitted); lost, they are only dropped.
   */
  private async release(partitions: readonly TopicPartition[], lost: boolean): Promise<void> {
    const task = this.task;
    if (!task) return;
    if (this.finished) return this.commits.leaving(partitions, lost); // the final flush wrote them
    const healthy = this.status.state !== 'FAILED';
    try {
      if (!lost && healthy) {
        const retry = this.taskRetry('flush', REVOCATION_FLUSH_MS, this.stopController.signal);
        await withRetries(() => this.flushAndCommit(task), retry).catch((error: unknown) => {
          if (!isRetriableError(error)) throw error;
          this.common.log.warn('flush failed; the revoked partitions are released uncommitted', {
            error: error.message,
          });
        });
      }
    } finally {
      this.pending.forget(partitions);
    }
    if (healthy) await task.closePartitions?.(partitions);
  }

  /**
   * The final flush and commit, then every partition still held closed. Called inside a task
   * call. Holding no partition, it flushes nothing: revoked partitions were flushed as they left,
   * and lost ones (a zombie's, after its session expired) belong to another task now, whose
   * target a flush would write to (Connect closes lost partitions without a flush too). A
   * rebalance running meanwhile does not lose the commit (OffsetCommits.commitLast).
   *
   * Afterwards `pending` holds only offsets this flush made durable (others are dropped), so the
   * partitions revoked later commit them as they leave.
   */
  private async finish(task: SinkTask, deadline: number): Promise<void> {
    this.finished = true;
    let durable = false;
    try {
      if (this.status.state === 'FAILED' || this.consumer.assignment().length === 0 || this.pending.size === 0) return;
      const covered = this.pending.snapshot();
      const retry = this.taskRetry('flush', Math.max(0, deadline - Date.now()), this.taskController.signal);
      const flushed = await withRetries(() => task.flush(), retry).then(
        () => true,
        (error: unknown) => {
          if (!isRetriableError(error)) throw error;
          this.common.log.warn('final flush failed; offsets stay uncommitted', { error: error.message });
          return false;
        },
      );
      if (!flushed) return;
      durable = true;
      this.originals?.clear();
      await this.commits.commitLast(covered, deadline);
    } finally {
      if (!durable) this.pending.forget(this.pending.snapshot()); // nothing unflushed is committed later
      const held = this.consumer.assignment();
      if (held.length > 0 && this.status.state !== 'FAILED') await task.closePartitions?.(held);
    }
  }

  private taskRetry(what: string, timeoutMs: number, signal: AbortSignal): RetryOptions {
    return taskCallRetry({ what, timeoutMs, signal, policy: this.policy, metrics: this.metrics, log: this.common.log });
  }

  private conversion(): RecordConversion {
    const { keyConverter, valueConverter, transform, errors, valueJsonText } = this;
    return { keyConverter, valueConverter, transform, errors, retry: this.retryOptions('conversion'), valueJsonText };
  }

  private failSide(error: unknown): void {
    if (this.stopController.signal.aborted) {
      this.common.log.warn('rebalance work failed while stopping', { error: (error as Error).message });
      return;
    }
    this.sideFailure ??= { error };
    this.consumer.interrupt();
    this.wakeup.wake();
  }

  /** A record the task reports goes to the error handler as it was consumed, when the runner still holds it. */
  private async reportFromTask(record: SinkRecord, error: Error): Promise<void> {
    const original = this.originals?.find(record);
    const errant = original ? errantOf(original) : reencoded(record, this.keyConverter, this.valueConverter);
    await this.errors.handle('TASK_PUT', error, errant);
  }
}
