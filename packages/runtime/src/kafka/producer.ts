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

/** How often `deliveryReports: 'errors'` mode checks whether the sends waiting are acknowledged. */
const DRAIN_CHECK_MS = 1;

/**
 * `errors` mode: how often the idle producer serves librdkafka's queues (error events, logs).
 * Reports of sends in flight do not wait for it: each drain check's flush() serves them. Each
 * poll is an event-loop wakeup; at 10 ms an idle producer used 15 ms of CPU per second
 * (bench/reports/per-batch-cost.md). `all` mode keeps 10 ms: its reports arrive by the poll.
 */
const ERRORS_MODE_POLL_MS = 100;

/** `errors` mode: a send whose messages are all produced, waiting for librdkafka to hold none. */
interface DrainWait {
  /** A produce error of the send itself (it still waits until what it produced is out). */
  failure?: Error;
  resolve(reports: DeliveryReport[]): void;
  reject(error: Error): void;
}

export interface ProducerOptions {
  /**
   * `all` (default): Kafka reports every message; send() resolves with those reports.
   * `errors`: Kafka reports failed messages only, which saves a report object and a callback per
   * message; send() resolves with [] once the producer's queue was empty after all its messages
   * were produced and no message failed meanwhile. Sends are produced in call order as soon as
   * they are made, without waiting for the ones before to be acknowledged; a failure reported
   * cannot be told apart by batch, so it rejects every send produced and not yet settled.
   */
  readonly deliveryReports?: 'all' | 'errors';
}

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
  private readonly onlyErrors: boolean;
  /** `errors` mode: the produce steps so far, chained, so sends are produced in call order. */
  private producing: Promise<unknown> = Promise.resolve();
  /** `errors` mode: sends produced and not settled, oldest first. */
  private waiting: DrainWait[] = [];
  private checking = false;
  /** `errors` mode: the first failure reported since the sends waiting were last settled. */
  private failure: LibrdKafkaError | undefined;

  constructor(settings: KafkaClientSettings, options: ProducerOptions = {}) {
    this.onlyErrors = options.deliveryReports === 'errors';
    this.producer = new (kafkaLibrary().Producer)({
      acks: -1,
      'enable.idempotence': true,
      // send at once: a source waits for its batch's acknowledgement before it polls again, so
      // lingering only delays that (5 ms of it measured: bench/reports/pipeline-latency.md);
      // under load librdkafka still packs what queued while a request was in flight
      'linger.ms': 0,
      ...settings,
      dr_cb: true,
      'delivery.report.only.error': this.onlyErrors,
    });
    this.producer.on('delivery-report', (error, report) => {
      if (!this.onlyErrors) this.onDelivery(error, report);
      else if (error) this.failure ??= error;
    });
  }

  async connect(): Promise<void> {
    await connectClient(this.producer, 'producer');
    this.producer.setPollInterval(this.onlyErrors ? ERRORS_MODE_POLL_MS : 10);
  }

  async send(messages: readonly OutgoingMessage[]): Promise<DeliveryReport[]> {
    if (messages.length === 0) return [];
    if (this.onlyErrors) return this.sendInTurn(messages);
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
        if (!this.tryProduce(message, label)) await this.produceWhenRoom(message, label);
        produced += 1;
      }
    } catch (error) {
      batch.reject(error as Error);
      // the batch stays in flight (and unlabelled) until the reports of what was produced are in
      this.settleAfter(batch, messages.length - produced);
    }
  }

  /** `errors` mode: produces once the sends before are produced, then waits for the queue to empty. */
  private sendInTurn(messages: readonly OutgoingMessage[]): Promise<DeliveryReport[]> {
    return new Promise<DeliveryReport[]>((resolve, reject) => {
      const wait: DrainWait = { resolve, reject };
      this.producing = this.producing
        .then(() => this.produceEvery(messages))
        .then((failure) => {
          if (failure !== undefined) wait.failure = failure;
          this.waiting.push(wait);
          void this.checkDrained();
        });
    });
  }

  /** Produces every message (waiting for room); resolves with the produce error that stopped it, if any. */
  private async produceEvery(messages: readonly OutgoingMessage[]): Promise<Error | undefined> {
    try {
      for (const message of messages) {
        if (!this.tryProduce(message, undefined)) await this.produceWhenRoom(message, undefined);
      }
      return undefined;
    } catch (error) {
      return error as Error; // what was produced is still drained, so no report outlives its send
    }
  }

  /**
   * One check at a time: the sends waiting when a check starts settle once librdkafka holds no
   * message (a send produced meanwhile waits for the next check); a failure reported by then
   * rejects every send waiting, as it may be any of theirs.
   */
  private async checkDrained(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      while (this.waiting.length > 0) {
        const settling = this.waiting.length;
        await this.drained();
        const reported = this.failure as LibrdKafkaError | undefined; // set by reports while draining
        this.failure = undefined;
        const group = this.waiting.splice(0, reported === undefined ? settling : this.waiting.length);
        for (const wait of group) settle(wait, reported);
      }
    } catch (error) {
      for (const wait of this.waiting.splice(0)) wait.reject(error as Error);
    } finally {
      this.checking = false;
    }
  }

  /**
   * Resolves once librdkafka holds no message (each acknowledged or failed and reported). flush(0)
   * does not block, and makes the brokers send now rather than after linger.ms.
   */
  private async drained(): Promise<void> {
    while (!(await this.flushedNow())) await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS));
    // a failure report taken off librdkafka's queue reaches JavaScript through an event-loop wakeup
    // signalled before flush() returned: it has been handled by the time setImmediate runs
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** True when the queue is empty; false while messages are in flight; rejects on other errors. */
  private flushedNow(): Promise<boolean> {
    const timedOut = kafkaLibrary().CODES.ERRORS.ERR__TIMED_OUT;
    return new Promise((resolve, reject) => {
      this.producer.flush(0, (error) => {
        if (!error) resolve(true);
        else if (error.code === timedOut) resolve(false);
        else reject(new Error(`waiting for Kafka's acknowledgements failed: ${error.message}`, { cause: error }));
      });
    });
  }

  /** Produces a message librdkafka had no room for, once it has (back-pressure). */
  private async produceWhenRoom(message: OutgoingMessage, label: Batch | undefined): Promise<void> {
    do {
      this.producer.poll();
      await new Promise((resolve) => setTimeout(resolve, QUEUE_FULL_BACKOFF_MS));
    } while (!this.tryProduce(message, label));
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

function settle(wait: DrainWait, reported: LibrdKafkaError | undefined): void {
  if (wait.failure) wait.reject(wait.failure);
  else if (reported)
    wait.reject(new Error(`Kafka did not acknowledge a message: ${reported.message}`, { cause: reported }));
  else wait.resolve([]);
}
