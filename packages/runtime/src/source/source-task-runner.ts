import { pause } from '@sluice/sdk';
import type { Logger, SourceConnector, SourceRecord, SourceTask } from '@sluice/sdk';
import type { Converter } from '../converters/converter.js';
import { converterFor } from '../converters/converter-config.js';
import type { Stage } from '../errors/errant-records.js';
import { ErrantRecordHandler } from '../errors/errant-records.js';
import { errorPolicyOf } from '../errors/error-policy.js';
import { withRetries } from '../errors/retry.js';
import type { KafkaClientSettings } from '../kafka/client-config.js';
import type { OutgoingMessage } from '../kafka/producer.js';
import { KafkaProducer } from '../kafka/producer.js';
import type { OffsetStore, PartitionOffset } from '../stores/offset-store.js';
import type { TaskStatus } from '../task-status.js';
import { traceOf } from '../task-status.js';
import type { Transform } from '../transforms/transform.js';
import { transformChain } from '../transforms/transform-chain.js';

export interface SourceRunnerOptions {
  readonly connectorName: string;
  readonly taskId: number;
  readonly connector: SourceConnector;
  /** The connector's whole config as submitted (framework keys and its own). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The connector's own config, validated, for this task. */
  readonly taskConfig: Readonly<Record<string, unknown>>;
  readonly kafka: KafkaClientSettings;
  readonly offsets: OffsetStore;
  readonly log: Logger;
}

/**
 * Runs one source task: poll → convert → produce (acks=all, idempotent) → once Kafka has
 * acknowledged every record of the batch, store their source offsets → commit(). A crash at any
 * point leaves stored offsets at or behind what Kafka holds: records may repeat, never vanish.
 */
export class SourceTaskRunner {
  private readonly stopController = new AbortController();
  private readonly producer: KafkaProducer;
  private readonly keyConverter: Converter;
  private readonly valueConverter: Converter;
  private readonly errors: ErrantRecordHandler;
  private readonly transform: Transform;
  private readonly policy;
  private loop: Promise<void> | undefined;
  private task: SourceTask | undefined;
  status: TaskStatus = { state: 'UNASSIGNED' };
  private paused = false;
  /** Records produced and acknowledged, for metrics and tests. */
  produced = 0;

  constructor(private readonly options: SourceRunnerOptions) {
    this.policy = errorPolicyOf(options.config);
    this.keyConverter = converterFor('key', options.config);
    this.valueConverter = converterFor('value', options.config);
    this.transform = transformChain(options.config);
    this.producer = new KafkaProducer(options.kafka);
    this.errors = new ErrantRecordHandler(
      this.policy,
      { connector: options.connectorName, taskId: options.taskId, log: options.log },
      this.producer,
    );
  }

  async start(): Promise<void> {
    const { options } = this;
    await this.producer.connect();
    this.task = await options.connector.createTask(options.taskConfig as never, {
      connector: options.connectorName,
      taskId: options.taskId,
      log: options.log,
      signal: this.stopController.signal,
      offsetOf: (partition) => options.offsets.get(options.connectorName, partition),
    });
    this.status = { state: 'RUNNING' };
    this.loop = this.run(this.task).catch((error: unknown) => this.fail(error));
  }

  /** Stops polling; the task and its resources stay (Connect's PAUSED). */
  pause(): void {
    this.paused = true;
    if (this.status.state === 'RUNNING') this.status = { state: 'PAUSED' };
  }

  resume(): void {
    this.paused = false;
    if (this.status.state === 'PAUSED') this.status = { state: 'RUNNING' };
  }

  /** Stops polling, lets the batch in flight finish (produce, offsets, commit), closes. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.loop;
    await this.task?.close();
    await this.producer.disconnect();
    if (this.status.state !== 'FAILED') this.status = { state: 'UNASSIGNED' };
  }

  private async run(task: SourceTask): Promise<void> {
    const signal = this.stopController.signal;
    const retry = {
      timeoutMs: this.policy['errors.retry.timeout'],
      maxDelayMs: this.policy['errors.retry.delay.max.ms'],
      signal,
    };
    while (!signal.aborted) {
      if (this.paused) {
        await pause(100, signal);
        continue;
      }
      const records = await withRetries(() => task.poll(), retry);
      if (records.length === 0) continue;
      const messages = await this.convert(records);
      await this.producer.send(messages);
      this.produced += messages.length;
      await this.options.offsets.set(this.options.connectorName, lastOffsets(records));
      await task.commit?.(records);
    }
  }

  /** transforms → key and value converters; a failing record goes to the errant-record handler. */
  private async convert(records: readonly SourceRecord[]): Promise<OutgoingMessage[]> {
    const messages: OutgoingMessage[] = [];
    for (const polled of records) {
      let stage: Stage = 'TRANSFORMATION';
      try {
        const record = this.transform({ ...polled, key: polled.key ?? null, headers: polled.headers ?? {} });
        if (record === null) continue;
        stage = 'KEY_CONVERTER';
        const key = this.keyConverter.fromConnectData(record.topic, record.key);
        stage = 'VALUE_CONVERTER';
        const value = this.valueConverter.fromConnectData(record.topic, record.value);
        const timestamp = record.timestamp ? { timestamp: record.timestamp } : {};
        messages.push({ topic: record.topic, key, value, ...headersOf(record.headers), ...timestamp });
      } catch (error) {
        await this.errors.handle(stage, error as Error, { topic: polled.topic, key: null, value: null });
      }
    }
    return messages;
  }

  private fail(error: unknown): void {
    this.status = { state: 'FAILED', trace: traceOf(error) };
    this.options.log.error('task failed', { error: (error as Error).message });
  }
}

/** Per source partition, the offset of the last record: what may be stored once all are in Kafka. */
function lastOffsets(records: readonly SourceRecord[]): PartitionOffset[] {
  const last = new Map<string, PartitionOffset>();
  for (const record of records)
    last.set(JSON.stringify(record.sourcePartition), {
      partition: record.sourcePartition,
      offset: record.sourceOffset,
    });
  return [...last.values()];
}

function headersOf(headers: Readonly<Record<string, string | Buffer>>): {
  headers?: { [key: string]: string | Buffer }[];
} {
  const entries = Object.entries(headers);
  return entries.length === 0 ? {} : { headers: entries.map(([key, value]) => ({ [key]: value })) };
}
