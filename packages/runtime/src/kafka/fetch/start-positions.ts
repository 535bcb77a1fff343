import type { KafkaConsumer, Metadata } from '@confluentinc/kafka-javascript';
import type { TopicPartition } from '@sluice/sdk';

/** Where a partition without a committed offset (or with one out of range) starts. */
export type ResetPolicy = 'earliest' | 'latest' | 'error';

const REQUEST_TIMEOUT_MS = 10_000;

/** A partition has no offset to start from and auto.offset.reset says not to pick one. */
export class NoStartOffset extends Error {}

/** librdkafka's auto.offset.reset names (smallest, beginning, largest, end, ...) as a policy. */
export function resetPolicy(setting: string): ResetPolicy {
  if (['smallest', 'earliest', 'beginning'].includes(setting)) return 'earliest';
  if (['largest', 'latest', 'end'].includes(setting)) return 'latest';
  return 'error';
}

/**
 * The group's committed next-offsets of `partitions`, asked of the group coordinator (through
 * librdkafka); a partition without one maps to undefined.
 */
export function committedOffsets(
  consumer: KafkaConsumer,
  partitions: readonly TopicPartition[],
): Promise<(number | undefined)[]> {
  return new Promise((resolve, reject) => {
    consumer.committed(
      partitions.map(({ topic, partition }) => ({ topic, partition })),
      REQUEST_TIMEOUT_MS,
      (error, offsets) => {
        if (error) return reject(new Error(`reading committed offsets failed: ${error.message}`, { cause: error }));
        resolve(
          partitions.map(({ topic, partition }) => {
            const found = offsets.find((entry) => entry.topic === topic && entry.partition === partition);
            return found && found.offset >= 0 ? found.offset : undefined;
          }),
        );
      },
    );
  });
}

/** The offset `policy` starts `partition` at: its first or its next offset in the log. */
export function resetOffset(consumer: KafkaConsumer, partition: TopicPartition, policy: ResetPolicy): Promise<number> {
  if (policy === 'error') {
    return Promise.reject(
      new NoStartOffset(
        `${partition.topic}-${partition.partition}: no valid offset to start from and auto.offset.reset is error`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    consumer.queryWatermarkOffsets(partition.topic, partition.partition, REQUEST_TIMEOUT_MS, (error, offsets) => {
      if (error) return reject(new Error(`reading watermarks failed: ${error.message}`, { cause: error }));
      resolve(policy === 'earliest' ? offsets.lowOffset : offsets.highOffset);
    });
  });
}

/** The cluster's brokers and the leaders of `topic`'s partitions, through librdkafka's metadata. */
export function topicMetadata(consumer: KafkaConsumer, topic: string): Promise<Metadata> {
  return new Promise((resolve, reject) => {
    consumer.getMetadata({ topic, allTopics: false, timeout: REQUEST_TIMEOUT_MS }, (error, metadata) => {
      if (error) reject(new Error(`reading metadata of ${topic} failed: ${error.message}`, { cause: error }));
      else resolve(metadata);
    });
  });
}
