import { setImmediate as nextTurn } from 'node:timers/promises';
import { isRetriableError, pause } from '@sluice/sdk';
import type { RetriableError, SourceConnector, SourceRecord, SourceTask } from '@sluice/sdk';
import type { MessageHeader } from '@confluentinc/kafka-javascript';
import type { Stage } from '../errors/errant-records.js';
import type { RetryOptions } from '../errors/retry.js';
import { backoffDelay } from '../errors/retry.js';
import type { TopicSpec } from '../kafka/admin.js';
import { KafkaAdmin } from '../kafka/admin.js';
import type { Converter } from '../converters/converter.js';
import type { OutgoingMessage } from '../kafka/producer.js';
import { KafkaProducer } from '../kafka/producer.js';
import { topicsOf } from '../kafka/topic-partitions.js';
import type { OffsetStore } from '../stores/offset-store.js';
import type { TaskRunnerOptions } from '../task-runner.js';
import { TaskRunner } from '../task-runner.js';
import type { TransformRecord } from '../transforms/transform.js';
import { noTransforms } from '../transforms/transform-chain.js';
import { BatchesInFlight } from './batches-in-flight.js';
import { checkSourceRecords } from './source-record-check.js';
import { topicCreationOf } from './topic-creation.js';

export interface SourceRunnerOptions extends TaskRunnerOptions {
  readonly connector: SourceConnector;
  readonly offsets: OffsetStore;
}

/** Batches sent and not yet committed at most: the next poll overlaps the ones before. */
const MAX_BATCHES_IN_FLIGHT = 3;

/**
 * Runs one source task: poll → check → convert → produce (acks=all, idempotent) → once Kafka has
 * acknowledged every record of the batch and of the batches before it, store their source
 * offsets → commit(). Up to MAX_BATCHES_IN_FLIGHT batches are in flight: the next poll runs while
 * Kafka acknowledges and the offsets are stored (BatchesInFlight keeps them in poll order);
 * commit() is called from the loop between two polls, so calls into the task never overlap. A
 * crash at any point leaves stored offsets at or behind what Kafka holds: records may repeat,
 * never vanish. The task's signal aborts only after the last commit (or on abandon), never under a call.
 */
export class SourceTaskRunner extends TaskRunner {
  private readonly producer: KafkaProducer;
  private task: SourceTask | undefined;
  private readonly topicSpec: ((topic: string) => TopicSpec) | undefined;
  /** Topics known to exist (created here or found), so creation is tried once per topic. */
  private readonly readyTopics = new Set<string>();
  /** How poll() is retried after a RetriableError: without limit, capped backoff, logged. */
  private readonly pollRetry: RetryOptions;
  /** poll() calls in a row that threw RetriableError; 0 once one returns. */
  private pollFailures = 0;
  /** Cuts the backoff wait after a failed poll short: aborted on a pause request and on stop. */
  private wake = new AbortController();
  /** Records produced and acknowledged, for metrics and tests. */
  produced = 0;

  constructor(private readonly options: SourceRunnerOptions) {
    let producer: KafkaProducer | undefined;
    super(options, (_policy, overrides) => {
      // failure reports only: acknowledgement is the drained queue, not a report object per record
      producer = new KafkaProducer({ ...options.kafka, ...overrides }, { deliveryReports: 'errors' });
      return producer;
    });
    if (!producer) throw new Error('the source producer was not built');
    this.producer = producer;
    this.topicSpec = options.framework ? options.framework.topicCreation : topicCreationOf(options.config);
    this.pollRetry = this.unlimitedRetryOptions('poll');
    this.stopController.signal.addEventListener('abort', () => this.wake.abort(), { once: true });
  }

  async start(): Promise<void> {
    const { options } = this;
    options.log.debug('task starting');
    await this.producer.connect();
    try {
      this.task = await options.connector.createTask(options.taskConfig as never, {
        connector: options.connectorName,
        taskId: options.taskId,
        log: options.log,
        signal: this.taskController.signal,
        offsetOf: (partition) => options.offsets.get(options.connectorName, partition),
      });
    } catch (error) {
      // as Connect: a task that cannot start is FAILED with its trace (and restarted per
      // policy); the worker and the other connectors carry on
      this.fail(error);
      return;
    }
    const task = this.task;
    this.options.log.debug('task created');
    this.launch(() => this.run(task));
  }

  /** The runner's figures and the task's own gauges, when it has any. */
  override metricsSnapshot() {
    const gauges = this.task?.metrics?.();
    return gauges === undefined ? super.metricsSnapshot() : { ...super.metricsSnapshot(), gauges };
  }

  /**
   * Stops, in this order: no poll() after the one in flight; that poll's batch is produced, its
   * offsets stored and commit() called; then ctx.signal aborts; then close(); then the producer
   * disconnects. A task that FAILED has nothing in flight: its signal aborts, then close(). An
   * error from close() is logged; the stop completes.
   */
  async stop(): Promise<void> {
    await this.endLoop();
    this.abortTask();
    try {
      await this.task?.close();
    } catch (error) {
      // as Connect (closeQuietly): the stop goes on, the producer is closed all the same
      this.options.log.error('close() failed', { error: (error as Error).message });
    }
    await this.producer.disconnect();
    this.markStopped();
  }

  private async run(task: SourceTask): Promise<void> {
    const signal = this.stopController.signal;
    const inFlight = new BatchesInFlight(async (offsets) => {
      await this.options.offsets.set(this.options.connectorName, offsets);
      this.metrics.offsetCommits += 1;
    });
    try {
      while (!signal.aborted) {
        await this.commitStored(task, inFlight);
        if (this.paused) {
          await this.settle(task, inFlight); // a pause resolves once nothing moves
          this.acknowledgePause();
          await pause(100, signal);
          continue;
        }
        await inFlight.room(MAX_BATCHES_IN_FLIGHT);
        await this.commitStored(task, inFlight);
        const startedAt = performance.now();
        const records = await this.poll(task);
        this.metrics.observeBatch(records.length, startedAt);
        // an empty poll yields a turn: a poll() that resolves [] at once must not starve the process
        if (records.length > 0) await this.deliver(inFlight, records, performance.now());
        else if (inFlight.size > 0) await this.settle(task, inFlight);
        else await nextTurn();
      }
    } finally {
      await this.settle(task, inFlight); // what was sent is acknowledged, stored and committed (or failed)
    }
  }

  /** Waits until every batch sent has its offsets stored, then calls commit() for them. */
  private async settle(task: SourceTask, inFlight: BatchesInFlight): Promise<void> {
    try {
      await inFlight.drain();
    } finally {
      await this.commitStored(task, inFlight);
    }
  }

  /** commit() for each batch whose offsets are stored, in poll order, between two polls. */
  private async commitStored(task: SourceTask, inFlight: BatchesInFlight): Promise<void> {
    for (const records of inFlight.takeStored()) await this.commit(task, records);
  }

  /**
   * One poll(), its result checked. A RetriableError is retried without limit, as Connect does:
   * this returns no records after a backoff (cut short by a stop or a pause), and the loop polls
   * again, so a pause or stop is seen between attempts and the task stays RUNNING meanwhile.
   */
  private async poll(task: SourceTask): Promise<SourceRecord[]> {
    let records: unknown;
    try {
      records = await task.poll();
    } catch (error) {
      if (!isRetriableError(error)) throw error; // by brand: a connector's own SDK copy counts
      await this.backOff(error);
      return [];
    }
    this.pollFailures = 0;
    checkSourceRecords(records);
    return records;
  }

  private async backOff(error: RetriableError): Promise<void> {
    this.pollFailures += 1;
    const delayMs = backoffDelay(this.pollFailures, this.pollRetry.maxDelayMs);
    this.pollRetry.onRetry?.(error, this.pollFailures, delayMs);
    if (this.wake.signal.aborted && !this.stopController.signal.aborted) this.wake = new AbortController();
    await pause(delayMs, this.wake.signal);
  }

  protected override onPause(): void {
    this.wake.abort();
  }

  /**
   * One batch converted and sent; it joins the batches in flight, which store its offsets once
   * Kafka has acknowledged it and every batch before it (commit() follows, from the loop).
   * `polledAt`: when poll() returned it, for the delivery-latency histogram.
   */
  private async deliver(inFlight: BatchesInFlight, records: SourceRecord[], polledAt: number): Promise<void> {
    if (this.metrics.recordsIn === 0) this.options.log.debug('first records polled', { records: records.length });
    this.metrics.recordsIn += records.length;
    const messages = await this.convert(records);
    await this.createTopics(messages);
    const acked = this.producer.send(messages).then(() => {
      this.metrics.deliveryLatency.observe(performance.now() - polledAt, messages.length);
      this.options.onTopics?.(topicsOf(messages));
      if (this.produced === 0) this.options.log.debug('first records sent', { records: messages.length });
      this.produced += messages.length;
      this.metrics.recordsOut += messages.length;
    });
    inFlight.add(records, acked);
  }

  /** As Connect: the batch is in Kafka and its offsets stored, so a failing commit() is logged, not fatal. */
  private async commit(task: SourceTask, records: readonly SourceRecord[]): Promise<void> {
    try {
      await task.commit?.(records);
    } catch (error) {
      this.options.log.error('commit() failed; its records are in Kafka and their offsets stored: the task goes on', {
        error: (error as Error).message,
      });
    }
  }

  /** Creates, per topic.creation.default.*, the topics this batch writes to for the first time. */
  private async createTopics(messages: readonly OutgoingMessage[]): Promise<void> {
    if (!this.topicSpec) return;
    const fresh = [...new Set(messages.map((message) => message.topic))].filter(
      (topic) => !this.readyTopics.has(topic),
    );
    if (fresh.length === 0) return;
    const admin = new KafkaAdmin({ ...this.options.kafka, ...this.clients.admin });
    try {
      for (const topic of fresh) {
        if (await admin.ensureTopic(this.topicSpec(topic))) this.options.log.info('created topic', { topic });
        this.readyTopics.add(topic);
      }
    } finally {
      admin.close();
    }
  }

  /** transforms → key and value converters; a failing record goes to the errant-record handler. */
  private async convert(records: readonly SourceRecord[]): Promise<OutgoingMessage[]> {
    const messages: OutgoingMessage[] = [];
    for (const polled of records) {
      let stage: Stage = 'TRANSFORMATION';
      try {
        const record = this.transformed(polled);
        if (record === null) continue;
        stage = 'KEY_CONVERTER';
        const key = this.keyConverter.fromConnectData(record.topic, record.key ?? null);
        stage = 'VALUE_CONVERTER';
        const value = this.valueConverter.fromConnectData(record.topic, record.value);
        stage = 'HEADER_CONVERTER';
        const headers = headersOf(record.headers, record.topic, this.headerConverter);
        // one literal of fixed shape per record (no spreads): this runs for every record
        messages.push({
          topic: record.topic,
          key,
          value,
          headers,
          timestamp: record.timestamp || undefined,
        });
      } catch (error) {
        await this.errors.handle(stage, error as Error, { topic: polled.topic, key: null, value: null });
      }
    }
    return messages;
  }

  /** The record after the transforms; without any configured, the polled record itself (no copy). */
  private transformed(polled: SourceRecord): SourceRecord | TransformRecord | null {
    if (this.transform === noTransforms) return polled;
    return this.transform({ ...polled, key: polled.key ?? null, headers: polled.headers ?? {} });
  }
}

/**
 * Connect's headers as librdkafka takes them: one single-key object per header; none: undefined.
 * Text values go through the header converter when one is set (bytes stay as they are).
 */
function headersOf(
  headers: Readonly<Record<string, string | Buffer>> | undefined,
  topic: string,
  converter: Converter | undefined,
): MessageHeader[] | undefined {
  let list: MessageHeader[] | undefined;
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue;
    const value = headers[name] as string | Buffer;
    const bytes = converter && typeof value === 'string' ? (converter.fromConnectData(topic, value) ?? '') : value;
    (list ??= []).push({ [name]: bytes });
  }
  return list;
}
