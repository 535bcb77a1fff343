import type { KafkaConsumer, LibrdKafkaError, TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import type { TopicPartition } from '@sluice/sdk';
import type { KafkaClientSettings } from './client-config.js';
import type { ConsumerOptions } from './consumer-options.js';
import { kafkaLibrary } from './library.js';

/** The library's consumer with the methods present in it but missing from its type declarations. */
export type LibraryConsumer = KafkaConsumer & {
  commitCb(offsets: TopicPartitionOffset[], callback: (error: LibrdKafkaError | null) => void): void;
  setDefaultIsTimeoutOnlyForFirstMessage(value: boolean): void;
  incrementalAssign(partitions: TopicPartition[]): void;
  incrementalUnassign(partitions: TopicPartition[]): void;
  /** In a revocation: whether the group already took the partitions (session lost, fenced). */
  assignmentLost(): boolean;
};

/** What librdkafka reports, through the library's dispatchers on the event loop. */
export interface LibraryCallbacks {
  rebalance(error: LibrdKafkaError | undefined, partitions: TopicPartitionOffset[]): void;
  /** The outcome of an offset commit. */
  committed(error: LibrdKafkaError | undefined, offsets: TopicPartitionOffset[]): void;
  /** The consumer queue went from empty to not empty. */
  queued(): void;
}

/**
 * A library consumer with auto-commit off, cooperative-sticky assignment, and every callback
 * the event-driven KafkaGroupConsumer needs; consume() never waits (timeout 0).
 */
export function libraryConsumer(
  settings: KafkaClientSettings,
  options: ConsumerOptions,
  callbacks: LibraryCallbacks,
): LibraryConsumer {
  const consumer = new (kafkaLibrary().KafkaConsumer)(
    {
      'partition.assignment.strategy': 'cooperative-sticky',
      // a subscribed topic created later (or matching a pattern) is seen within 10 s, not
      // librdkafka's default 5 minutes
      'topic.metadata.refresh.interval.ms': 10_000,
      // librdkafka stops prefetching once queued.min.messages (100,000) wait in its queue and then
      // looks again only after this backoff (default 1 s): a sink draining 100,000 records in less
      // than a second idled out the rest of it, which capped every sink at about 100,000 records/s.
      // The check is local (no request while the queue is over its bounds), so 10 ms costs nothing.
      'fetch.queue.backoff.ms': 10,
      ...settings,
      'group.id': options.groupId,
      ...(options.instanceId === undefined ? {} : { 'group.instance.id': options.instanceId }),
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      rebalance_cb: callbacks.rebalance,
      offset_commit_cb: callbacks.committed,
      // undeclared in the library's types; its own KafkaJS-style consumer is built on it
      queue_non_empty_cb: callbacks.queued,
    } as never,
    // a topic setting: given here it would win over one in `settings` (a connector's override)
    { 'auto.offset.reset': autoOffsetResetOf(settings, options) } as never,
  ) as LibraryConsumer;
  // a fetch takes what is ready and never waits on the pool thread
  consumer.setDefaultConsumeTimeout(0);
  consumer.setDefaultIsTimeoutOnlyForFirstMessage(false);
  return consumer;
}

/** Where a partition without a committed offset starts: a connector's override, else the options', else earliest. */
export function autoOffsetResetOf(settings: KafkaClientSettings, options: ConsumerOptions): string {
  return String(settings['auto.offset.reset'] ?? options.autoOffsetReset ?? 'earliest');
}
