import type { KafkaConsumer, LibrdKafkaError, Message, TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import type { KafkaClientSettings } from './client-config.js';
import { connectClient, disconnectClient } from './connect.js';
import { kafkaLibrary } from './library.js';

export interface ConsumerOptions {
  readonly groupId: string;
  /** Where a group without committed offsets starts. */
  readonly autoOffsetReset?: 'earliest' | 'latest';
  /** Longest a consume() call waits for its first message. */
  readonly pollTimeoutMs?: number;
  /**
   * A stable identity across restarts (static membership, KIP-345): a restarted member takes its
   * partitions back at once instead of waiting out the dead member's session timeout, and an
   * older process still running with the same identity is fenced by the broker.
   */
  readonly instanceId?: string;
}

/** Present in the library, missing from its type declarations. */
interface UndeclaredConsumerMethods {
  /**
   * A commit that reports its outcome to a callback, off the event loop. The plain commit()
   * reports through the consumer's poll, which never runs once consumption stops (shutdown).
   */
  commitCb(offsets: TopicPartitionOffset[], callback: (error: LibrdKafkaError | null) => void): void;
  setDefaultIsTimeoutOnlyForFirstMessage(value: boolean): void;
}

/**
 * A group consumer with auto-commit off: offsets are committed only by commit(), with exactly
 * the positions the caller says are durable. Assignment is cooperative-sticky, so a rebalance
 * moves only the partitions that must move.
 */
export class KafkaGroupConsumer {
  private readonly consumer: KafkaConsumer & UndeclaredConsumerMethods;
  /** Messages read while waiting for the assignment, handed out by the next consume(). */
  private readonly early: Message[] = [];

  constructor(settings: KafkaClientSettings, options: ConsumerOptions) {
    this.consumer = new (kafkaLibrary().KafkaConsumer)(
      {
        'partition.assignment.strategy': 'cooperative-sticky',
        // a subscribed topic created later (or matching a pattern) is seen within 10 s, not
        // librdkafka's default 5 minutes
        'topic.metadata.refresh.interval.ms': 10_000,
        ...settings,
        'group.id': options.groupId,
        ...(options.instanceId === undefined ? {} : { 'group.instance.id': options.instanceId }),
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        // The library's own handler does the incremental (cooperative) assign/unassign. Without
        // it a closing consumer does not leave its group, and the partitions it held stay
        // unassigned until the session timeout (45 s) expires.
        rebalance_cb: true,
      },
      { 'auto.offset.reset': options.autoOffsetReset ?? 'earliest' },
    ) as KafkaConsumer & UndeclaredConsumerMethods;
    this.consumer.setDefaultConsumeTimeout(options.pollTimeoutMs ?? 100);
    // consume(n) then waits only for the first message and returns what else is ready, instead
    // of waiting up to the timeout for each of n messages (which holds a batch for seconds).
    this.consumer.setDefaultIsTimeoutOnlyForFirstMessage(true);
  }

  connect(): Promise<void> {
    return connectClient(this.consumer, 'consumer');
  }

  subscribe(topics: string[]): void {
    this.consumer.subscribe(topics);
  }

  /**
   * Resolves once the group gave this consumer partitions (joining takes a rebalance, about a
   * second): a caller measuring latency, or a test, waits for it before producing.
   */
  async waitForAssignment(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const buffered: Message[] = [];
    while (this.consumer.assignments().length === 0) {
      if (Date.now() > deadline) throw new Error(`no partitions assigned within ${timeoutMs} ms`);
      buffered.push(...(await this.consume(100)));
    }
    this.early.push(...buffered);
  }

  /** Up to `max` messages; an empty array when none arrived within the poll timeout. */
  consume(max: number): Promise<Message[]> {
    if (this.early.length > 0) return Promise.resolve(this.early.splice(0, max));
    return new Promise((resolve, reject) => {
      this.consumer.consume(max, (error, messages) => {
        if (!error) resolve(messages);
        // a subscribed topic that does not exist yet: not an error, it is picked up once created
        else if (error.code === kafkaLibrary().CODES.ERRORS.ERR_UNKNOWN_TOPIC_OR_PART) resolve([]);
        else reject(error);
      });
    });
  }

  /**
   * Commits the given next-offsets (last processed + 1) and resolves when the group coordinator
   * accepted them. A rejected commit (e.g. after losing the partition) rejects.
   */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.consumer.commitCb([...offsets], (error) => {
        if (error) reject(new Error(`offset commit failed: ${error.message}`, { cause: error }));
        else resolve();
      });
    });
  }

  /**
   * Polls once without delivering (call with every partition paused): keeps the group membership
   * alive while the caller is busy longer than max.poll.interval.ms allows. Anything still
   * returned is kept for the next consume(), in order.
   */
  async keepAlive(): Promise<void> {
    const messages = await new Promise<Message[]>((resolve, reject) => {
      this.consumer.consume(1, (error, batch) => (error ? reject(error) : resolve(batch)));
    });
    this.early.push(...messages);
  }

  /** Records in Kafka beyond this consumer's position, summed over its partitions (from cached watermarks). */
  lag(): number {
    let lag = 0;
    for (const { topic, partition, offset } of this.consumer.position()) {
      try {
        const { highOffset } = this.consumer.getWatermarkOffsets(topic, partition);
        if (offset >= 0 && highOffset >= offset) lag += highOffset - offset;
      } catch {
        // no watermark fetched yet for this partition
      }
    }
    return lag;
  }

  /** Stops fetching from every assigned partition (the group membership stays). */
  pauseAll(): void {
    const assigned = this.consumer.assignments();
    if (assigned.length > 0) this.consumer.pause(assigned);
  }

  resumeAll(): void {
    const assigned = this.consumer.assignments();
    if (assigned.length > 0) this.consumer.resume(assigned);
  }

  disconnect(): Promise<void> {
    return disconnectClient(this.consumer);
  }
}

/** The offsets to commit after processing `messages`: per partition, the highest offset + 1. */
export function nextOffsets(messages: readonly Message[]): TopicPartitionOffset[] {
  const next = new Map<string, TopicPartitionOffset>();
  for (const { topic, partition, offset } of messages) {
    const key = `${topic}\u0000${partition}`;
    const known = next.get(key);
    if (!known || known.offset <= offset) next.set(key, { topic, partition, offset: offset + 1 });
  }
  return [...next.values()];
}
