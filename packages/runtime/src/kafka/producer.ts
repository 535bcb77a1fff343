import type { DeliveryReport, LibrdKafkaError, MessageHeader, Producer } from '@confluentinc/kafka-javascript';
import type { KafkaClientSettings } from './client-config.js';
import { connectClient, disconnectClient } from './connect.js';
import { kafkaLibrary } from './library.js';

export interface OutgoingMessage {
  readonly topic: string;
  readonly partition?: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: MessageHeader[];
  readonly timestamp?: number;
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
      this.produceAll(messages, batch).catch(reject);
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

  private async produceAll(messages: readonly OutgoingMessage[], batch: Batch): Promise<void> {
    for (const message of messages) {
      while (!this.tryProduce(message, batch)) {
        this.producer.poll();
        await new Promise((resolve) => setTimeout(resolve, QUEUE_FULL_BACKOFF_MS));
      }
    }
  }

  /** False when librdkafka's queue is full; throws on any other produce error. */
  private tryProduce(message: OutgoingMessage, batch: Batch): boolean {
    try {
      this.producer.produce(
        message.topic,
        message.partition ?? null,
        message.value,
        message.key,
        message.timestamp ?? null,
        batch,
        message.headers,
      );
      return true;
    } catch (error) {
      if ((error as LibrdKafkaError).code === kafkaLibrary().CODES.ERRORS.ERR__QUEUE_FULL) return false;
      throw error;
    }
  }

  private onDelivery(error: LibrdKafkaError | null | undefined, report: DeliveryReport): void {
    const batch = report.opaque as Batch;
    if (error) batch.firstError ??= error;
    else batch.reports.push(report);
    batch.remaining -= 1;
    if (batch.remaining > 0) return;
    if (batch.firstError) {
      batch.reject(
        new Error(`Kafka did not acknowledge a message: ${batch.firstError.message}`, { cause: batch.firstError }),
      );
    } else {
      batch.resolve(batch.reports);
    }
  }
}
