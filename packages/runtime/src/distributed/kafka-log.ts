import type { KafkaConsumer, LibrdKafkaError, Message } from '@confluentinc/kafka-javascript';
import type { KafkaClientSettings } from '../kafka/client-config.js';
import { connectClient, disconnectClient } from '../kafka/connect.js';
import { kafkaLibrary } from '../kafka/library.js';

/** One record of an internal topic, as the log hands it to its reader. */
export interface LogRecord {
  readonly key: string;
  /** null: a tombstone (the key was deleted). */
  readonly value: Buffer | null;
  readonly partition: number;
  readonly offset: number;
}

const OFFSET_BEGINNING = -2;
/** ListOffsets' "latest" timestamp. */
const OFFSET_END = -1;
/**
 * How long the broker may hold an idle fetch: it answers a connection's requests in order, so
 * a readToEnd's offsets request waits behind the fetch in flight (librdkafka's 500 ms default).
 */
const FETCH_WAIT_MS = 100;
const FETCH_SIZE = 500;

/**
 * Tails every partition of one internal topic (configs, offsets, status) from the beginning and
 * hands each record to `onRecord`, in order per partition: Connect's KafkaBasedLog. No consumer
 * group: the partitions are assigned, nothing is committed. Consumption is event-driven
 * (librdkafka's queue_non_empty_cb starts a fetch that takes only what is ready), so a reader
 * never holds a libuv pool thread while it waits. `isolation.level=read_committed`: a fenced
 * leader's aborted writes are never seen.
 *
 * Invariant: `position` holds, per partition, the offset after the last record handed out; a
 * readToEnd() resolves only once every partition's position reached the end it read at the call.
 */
export class KafkaLog {
  private readonly consumer: KafkaConsumer;
  private readonly position = new Map<number, number>();
  /** Per partition, where reading stood when the last fetch's callback returned (see `settle`). */
  private readonly settled = new Map<number, number>();
  private readonly waiters = new Set<() => void>();
  private partitions: number[] = [];
  private fetching = false;
  private fetchAgain = false;
  private running = false;
  private failure: Error | undefined;

  constructor(
    settings: KafkaClientSettings,
    readonly topic: string,
    private readonly onRecord: (record: LogRecord) => void,
  ) {
    this.consumer = new (kafkaLibrary().KafkaConsumer)(
      {
        'fetch.wait.max.ms': FETCH_WAIT_MS,
        ...settings,
        'group.id': `sluice-log-${topic}`, // required by the client; never joined (assign, no commits)
        'enable.auto.commit': false,
        'isolation.level': 'read_committed',
        queue_non_empty_cb: () => this.fetch(),
      } as never,
      {},
    );
    this.consumer.setDefaultConsumeTimeout(0);
  }

  /** Connects, assigns every partition from the beginning and reads them to their end. */
  async start(timeoutMs = 30_000): Promise<void> {
    await connectClient(this.consumer, `log ${this.topic}`);
    this.partitions = await this.partitionsOf(timeoutMs);
    this.consumer.assign(
      this.partitions.map((partition) => ({ topic: this.topic, partition, offset: OFFSET_BEGINNING })),
    );
    this.running = true;
    this.fetch();
    await this.readToEnd(timeoutMs);
  }

  /** Resolves once every record written before the call has been handed to onRecord. */
  async readToEnd(timeoutMs = 30_000): Promise<void> {
    // a just-created topic's partitions may answer "not leader" for a moment: retried
    await this.readTo(await retried((attemptMs) => this.ends(attemptMs), timeoutMs), timeoutMs);
  }

  /**
   * Resolves once, in each partition named, every record before the given offset has been
   * handed to onRecord: a writer that knows where its records landed (their delivery reports)
   * reads them back without asking the broker for each partition's end.
   */
  async readTo(ends: ReadonlyMap<number, number>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const reached = () => [...ends].every(([partition, end]) => (this.settled.get(partition) ?? 0) >= end);
    while (!reached()) {
      if (this.failure) throw this.failure;
      if (Date.now() > deadline) throw new Error(`${this.topic}: not read to its end within ${timeoutMs} ms`);
      await this.changed(200);
      this.fetch(); // also covers control records (transaction markers), which wake no one
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.waiters) wake();
    await disconnectClient(this.consumer);
  }

  /**
   * Records, per partition, librdkafka's position (it moves past transaction markers too) or
   * ours. Called only from a fetch's callback, when no fetch is in flight: while one is, the
   * library counts records as consumed that its callback has not handed out yet.
   */
  private settle(): void {
    for (const partition of this.partitions) {
      const [known] = this.consumer.position([{ topic: this.topic, partition }]);
      const library = known && known.offset >= 0 ? known.offset : 0;
      this.settled.set(partition, Math.max(library, this.position.get(partition) ?? 0));
    }
  }

  private fetch(): void {
    if (!this.running) return;
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    this.fetching = true;
    this.fetchAgain = false;
    this.consumer.consume(FETCH_SIZE, (error: LibrdKafkaError | null, messages: Message[]) => {
      this.fetching = false;
      if (!this.running) return; // stopped meanwhile: the consumer may be gone already
      if (error && !error.isRetriable)
        this.failure = new Error(`${this.topic}: reading failed: ${error.message}`, { cause: error });
      else if (!error) {
        this.deliver(messages);
        this.settle();
      }
      for (const wake of this.waiters) wake();
      if (error?.isRetriable)
        setTimeout(() => this.fetch(), 200).unref(); // read on
      else if (!error && (this.fetchAgain || messages.length === FETCH_SIZE)) this.fetch();
    });
  }

  private deliver(messages: readonly Message[]): void {
    for (const message of messages) {
      const key = message.key === null || message.key === undefined ? '' : message.key.toString();
      this.onRecord({ key, value: message.value ?? null, partition: message.partition, offset: message.offset });
      this.position.set(message.partition, message.offset + 1);
    }
  }

  private changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }

  /** The topic's partitions; a topic another worker just created may take a moment to show them. */
  private partitionsOf(timeoutMs: number): Promise<number[]> {
    return retried((attemptMs) => this.metadataPartitions(attemptMs), timeoutMs);
  }

  private metadataPartitions(timeoutMs: number): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.consumer.getMetadata({ topic: this.topic, timeout: timeoutMs }, (error, metadata) => {
        const topic = metadata?.topics.find((t) => t.name === this.topic);
        if (error || !topic || topic.partitions.length === 0)
          reject(new Error(`${this.topic}: no such topic (${error?.message ?? 'no partitions'})`));
        else resolve(topic.partitions.map((p) => p.id).sort((a, b) => a - b));
      });
    });
  }

  /**
   * Every partition's end, in one request (a ListOffsets for the latest offsets; read_committed:
   * the last stable offset). One watermark query per partition instead cost a fetch wait each:
   * the broker answers a connection's requests in order, behind the fetch it holds open.
   */
  private ends(timeoutMs: number): Promise<Map<number, number>> {
    const latest = this.partitions.map((partition) => ({ topic: this.topic, partition, offset: OFFSET_END }));
    return new Promise((resolve, reject) => {
      this.consumer.offsetsForTimes(latest, timeoutMs, (error, offsets) => {
        if (error) reject(new Error(`${this.topic}: reading the ends of its partitions failed: ${error.message}`));
        else resolve(new Map(offsets.map(({ partition, offset }) => [partition, offset])));
      });
    });
  }
}

/** How long one attempt of a retried request may take: one that hangs must leave time for others. */
const ATTEMPT_MS = 5000;

/**
 * Runs `attempt` (given how long it may take: 5 s, or what is left but at least 1 s) until it resolves, pausing
 * 200 ms after each failure; the last failure once `timeoutMs` passed.
 */
async function retried<T>(attempt: (attemptMs: number) => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt(Math.max(1000, Math.min(ATTEMPT_MS, deadline - Date.now())));
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
