import type { Message, TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import type { SinkConnector, SinkRecord, SinkTask } from '@sluice/sdk';
import { RetriableError } from '@sluice/sdk';
import type { Stage } from '../errors/errant-records.js';
import { withRetries } from '../errors/retry.js';
import { KafkaGroupConsumer, nextOffsets } from '../kafka/consumer.js';
import { KafkaProducer } from '../kafka/producer.js';
import type { TaskRunnerOptions } from '../task-runner.js';
import { TaskRunner } from '../task-runner.js';
import type { TransformRecord } from '../transforms/transform.js';

export interface SinkRunnerOptions extends TaskRunnerOptions {
  readonly connector: SinkConnector;
  readonly topics: string[];
  /** How often put records are flushed and their offsets committed (Connect: offset.flush.interval.ms). */
  readonly commitIntervalMs?: number;
  readonly maxBatch?: number;
}

/**
 * Runs one sink task: consume (auto-commit off) → convert → put → on the commit interval and on
 * stop: flush, then commit exactly the offsets of what was put before that flush. Offsets never
 * pass a record that is not durable in the target; after a crash, records since the last commit
 * are delivered again.
 */
export class SinkTaskRunner extends TaskRunner {
  private readonly consumer: KafkaGroupConsumer;
  private readonly deadLetters: KafkaProducer | undefined;
  /** Next offsets of everything put (or skipped as errant) since the last commit. */
  private uncommitted = new Map<string, TopicPartitionOffset>();
  private task: SinkTask | undefined;
  /** Records handed to put, for metrics and tests. */
  delivered = 0;

  constructor(private readonly options: SinkRunnerOptions) {
    let deadLetters: KafkaProducer | undefined;
    super(options, (policy) => {
      if (policy['errors.deadletterqueue.topic.name'] === '') return undefined;
      deadLetters = new KafkaProducer({ ...options.kafka, 'client.id': `${options.connectorName}-dlq` });
      return deadLetters;
    });
    this.deadLetters = deadLetters;
    // Dynamic membership, a 10 s session: a stopped task leaves its group at once, a killed one is
    // replaced within 10 s. (Static membership was tried: a static member never leaves, so after
    // a topics change or a re-created connector the stale member stalls every rebalance for its
    // whole session timeout.)
    this.consumer = new KafkaGroupConsumer(
      { 'session.timeout.ms': 10_000, ...options.kafka },
      { groupId: `connect-${options.connectorName}` },
    );
  }

  async start(): Promise<void> {
    const { options } = this;
    await Promise.all([this.consumer.connect(), this.deadLetters?.connect()]);
    this.task = await options.connector.createTask(options.taskConfig as never, {
      connector: options.connectorName,
      taskId: options.taskId,
      log: options.log,
      signal: this.stopController.signal,
      report: (record, error) => this.reportFromTask(record, error),
    });
    this.consumer.subscribe(options.topics);
    const task = this.task;
    this.launch(() => this.run(task));
  }

  protected override onResume(): void {
    this.consumer.resumeAll();
  }

  /** Resolves once the group assigned partitions to this task (for tests and measurements). */
  waitForAssignment(timeoutMs?: number): Promise<void> {
    return this.consumer.waitForAssignment(timeoutMs);
  }

  /** Stops consuming, flushes and commits what was put, closes. */
  async stop(): Promise<void> {
    await this.endLoop();
    if (this.task && this.status.state !== 'FAILED') {
      await this.flushAndCommit().catch((error: unknown) => this.fail(error));
    }
    await this.task?.close();
    await Promise.all([this.consumer.disconnect(), this.deadLetters?.disconnect()]);
    this.markStopped();
  }

  private async run(task: SinkTask): Promise<void> {
    const signal = this.stopController.signal;
    const interval = this.options.commitIntervalMs ?? 5000;
    let lastCommit = Date.now();
    while (!signal.aborted) {
      // paused: keep polling (group membership needs it) with every partition paused
      if (this.paused) {
        this.consumer.pauseAll();
        this.acknowledgePause();
      }
      const messages = await this.consumer.consume(this.options.maxBatch ?? 2000);
      if (messages.length > 0) {
        this.metrics.recordsIn += messages.length;
        this.options.onTopics?.(messages.map((message) => message.topic));
        const records = await this.convert(messages);
        const startedAt = performance.now();
        await this.putKeepingMembership(task, records);
        this.metrics.observeBatch(records.length, startedAt);
        this.metrics.recordsOut += records.length;
        this.delivered += records.length;
        for (const offset of nextOffsets(messages)) this.uncommitted.set(`${offset.topic}/${offset.partition}`, offset);
      }
      if (Date.now() - lastCommit >= interval) {
        await this.flushAndCommit();
        lastCommit = Date.now();
      }
    }
  }

  /** Flush first; commit only what that flush made durable. A retriable flush failure commits nothing. */
  /**
   * put, retried per the error policy. While it takes longer than a second (a slow or failing
   * target), every partition is paused and the consumer keeps polling, so the group does not
   * evict this task (max.poll.interval.ms) and no records pile up in memory.
   */
  private async putKeepingMembership(task: SinkTask, records: SinkRecord[]): Promise<void> {
    let done = false;
    const put = withRetries(() => task.put(records), this.retryOptions('put')).finally(() => {
      done = true;
    });
    let pausedHere = false;
    while (!done) {
      await Promise.race([put.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000))]);
      if (done) break;
      this.consumer.pauseAll();
      pausedHere = true;
      await this.consumer.keepAlive();
    }
    if (pausedHere && !this.paused) this.consumer.resumeAll();
    await put;
  }

  /** The runner's figures and the task's own gauges, when it has any. */
  override metricsSnapshot() {
    const gauges = this.task?.metrics?.();
    return this.metrics.snapshot({
      errantRecords: this.errors.skipped,
      recordLag: this.consumer.lag(),
      ...(gauges === undefined ? {} : { gauges }),
    });
  }

  private async flushAndCommit(): Promise<void> {
    if (!this.task || this.uncommitted.size === 0) return;
    const covered = [...this.uncommitted.values()];
    try {
      await this.task.flush();
    } catch (error) {
      if (!(error instanceof RetriableError)) throw error;
      this.options.log.warn('flush failed; offsets stay uncommitted and flush is retried', { error: error.message });
      return;
    }
    try {
      await this.consumer.commit(covered);
      this.metrics.offsetCommits += 1;
    } catch (error) {
      // e.g. the partitions moved to another task: their records are delivered again there
      this.metrics.offsetCommitFailures += 1;
      this.options.log.warn('offset commit failed; the offsets are committed with the next flush', {
        error: (error as Error).message,
      });
      return;
    }
    for (const offset of covered) {
      const key = `${offset.topic}/${offset.partition}`;
      if (this.uncommitted.get(key) === offset) this.uncommitted.delete(key);
    }
  }

  private async convert(messages: readonly Message[]): Promise<SinkRecord[]> {
    const records: SinkRecord[] = [];
    for (const message of messages) {
      let stage: Stage = 'KEY_CONVERTER';
      try {
        const key = this.keyConverter.toConnectData(
          message.topic,
          message.key === undefined ? null : toBuffer(message.key),
        );
        stage = 'VALUE_CONVERTER';
        const value = this.valueConverter.toConnectData(message.topic, message.value);
        stage = 'TRANSFORMATION';
        const record = this.transform({
          topic: message.topic,
          partition: message.partition,
          offset: String(message.offset),
          key,
          value,
          headers: headersOf(message),
          timestamp: message.timestamp ?? 0,
        });
        if (record !== null) records.push(toSinkRecord(record, message));
      } catch (error) {
        await this.errors.handle(stage, error as Error, errantOf(message));
      }
    }
    return records;
  }

  private async reportFromTask(record: SinkRecord, error: Error): Promise<void> {
    const key = this.keyConverter.fromConnectData(record.topic, record.key);
    const value = this.valueConverter.fromConnectData(record.topic, record.value);
    await this.errors.handle('TASK_PUT', error, {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key,
      value,
    });
  }
}

function toSinkRecord(record: TransformRecord, message: Message): SinkRecord {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(record.headers))
    headers[name] = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return {
    topic: record.topic,
    partition: record.partition ?? message.partition,
    offset: record.offset ?? String(message.offset),
    key: record.key,
    value: record.value,
    headers,
    timestamp: record.timestamp ?? message.timestamp ?? 0,
  };
}

function toBuffer(key: Message['key']): Buffer | null {
  if (key === null || key === undefined) return null;
  return Buffer.isBuffer(key) ? key : Buffer.from(String(key));
}

function headersOf(message: Message): Record<string, Buffer> {
  const headers: Record<string, Buffer> = {};
  for (const header of message.headers ?? []) {
    for (const [name, value] of Object.entries(header))
      headers[name] = Buffer.isBuffer(value) ? value : Buffer.from(String(value));
  }
  return headers;
}

function errantOf(message: Message) {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: toBuffer(message.key),
    value: message.value,
    ...(message.headers ? { headers: message.headers } : {}),
  };
}
