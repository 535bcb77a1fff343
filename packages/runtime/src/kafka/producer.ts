import type { DeliveryReport, LibrdKafkaError, MessageHeader, Producer } from '@confluentinc/kafka-javascript';
import type { KafkaClientSettings } from './client-config.js';
import { connectClient, disconnectClient } from './connect.js';
import { kafkaLibrary } from './library.js';

export interface OutgoingMessage {
  readonly topic: string;
  readonly partition?: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: MessageHeader[] | undefined;
  /** Milliseconds since the epoch; absent (or undefined): the produce time. */
  readonly timestamp?: number | undefined;
}

/** Delivery bookkeeping for one send(): settles when every message of it is acknowledged. */
interface Batch {
  remaining: number;
  firstError?: LibrdKafkaError;
  readonly reports: DeliveryReport[];
  resolve(reports: DeliveryReport[]): void;
  reject(error: Error): void;
}

/** How long to let librdkafka drain its queue before producing again when it is full. */
const QUEUE_FULL_BACKOFF_MS = 5;

/**
 * A producer with acks=all and idempotence on, whose send() resolves only when Kafka has
 * acknowledged every message of the batch: the point after which a source offset may be stored.
 * A full local queue is back-pressure (send waits), never unbounded memory.
 */
export class KafkaProducer {
  private readonly producer: Producer;
  /**
   * The batch in flight whose messages carry no opaque: the client pins a handle for every message
   * that carries one, a cost per message. At most one batch at a time goes without, so a delivery
   * report without opaque is its; a send while it is in flight labels its messages with its batch.
   */
  private unlabelled: Batch | undefined;

  constructor(settings: KafkaClientSettings) {
    this.producer = new (kafkaLibrary().Producer)({
      acks: -1,
      'enable.idempotence': true,
      'linger.ms': 5,
      ...settings,
      dr_cb: true,
    });
    this.producer.on('delivery-report', (error, report) => this.onDelivery(error, report));
  }

  async connect(): Promise<void> {
    await connectClient(this.producer, 'producer');
    this.producer.setPollInterval(10);
  }

  async send(messages: readonly OutgoingMessage[]): Promise<DeliveryReport[]> {
    if (messages.length === 0) return [];
    return new Promise<DeliveryReport[]>((resolve, reject) => {
      const batch: Batch = { remaining: messages.length, reports: [], resolve, reject };
      const label = this.unlabelled === undefined ? undefined : batch;
      this.unlabelled ??= batch;
      void this.produceAll(messages, batch, label);
    });
  }

  /** Waits until everything produced so far is acknowledged or failed. */
  flush(timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      this.producer.flush(timeoutMs, (error) =>
        error ? reject(new Error(`flush failed: ${error.message}`)) : resolve(),
      );
    });
  }

  disconnect(): Promise<void> {
    return disconnectClient(this.producer);
  }

  /** Produces in order, waiting while the local queue is full; a produce error fails the batch. */
  private async produceAll(
    messages: readonly OutgoingMessage[],
    batch: Batch,
    label: Batch | undefined,
  ): Promise<void> {
    let produced = 0;
    try {
      for (const message of messages) {
        while (!this.tryProduce(message, label)) {
          this.producer.poll();
          await new Promise((resolve) => setTimeout(resolve, QUEUE_FULL_BACKOFF_MS));
        }
        produced += 1;
      }
    } catch (error) {
      batch.reject(error as Error);
      // the batch stays in flight (and unlabelled) until the reports of what was produced are in
      this.settleAfter(batch, messages.length - produced);
    }
  }

  /** False when librdkafka's queue is full; throws on any other produce error. */
  private tryProduce(message: OutgoingMessage, label: Batch | undefined): boolean {
    try {
      this.producer.produce(
        message.topic,
        message.partition ?? null,
        message.value,
        message.key,
        message.timestamp ?? null,
        label,
        message.headers,
      );
      return true;
    } catch (error) {
      if ((error as LibrdKafkaError).code === kafkaLibrary().CODES.ERRORS.ERR__QUEUE_FULL) return false;
      throw error;
    }
  }

  private onDelivery(error: LibrdKafkaError | null | undefined, report: DeliveryReport): void {
    const batch = (report.opaque as Batch | undefined) ?? this.unlabelled;
    if (batch === undefined) return; // not produced through send()
    if (error) batch.firstError ??= error;
    else batch.reports.push(report);
    this.settleAfter(batch, 1);
  }

  /** Counts `done` messages of the batch as settled; settles the batch when none is left. */
  private settleAfter(batch: Batch, done: number): void {
    batch.remaining -= done;
    if (batch.remaining > 0) return;
    if (batch === this.unlabelled) this.unlabelled = undefined;
    if (batch.firstError) {
      batch.reject(
        new Error(`Kafka did not acknowledge a message: ${batch.firstError.message}`, { cause: batch.firstError }),
      );
    } else {
      batch.resolve(batch.reports);
    }
  }
}
