import type {
  IAdminClient,
  KafkaConsumer,
  LibrdKafkaError,
  TopicPartitionOffset,
} from '@confluentinc/kafka-javascript';
import type { KafkaClientSettings } from './client-config.js';
import { connectClient, disconnectClient } from './connect.js';
import { kafkaLibrary } from './library.js';

const GROUP_ID_NOT_FOUND = 69;

/** A consumer group's committed offset of one partition (the next offset the group reads). */
export interface GroupOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * Reads and changes a consumer group's committed offsets (a sink connector's `connect-<name>`
 * group). Changing them is only safe while the group has no members — the caller makes sure the
 * connector is stopped; the broker rejects commits into a group with live members anyway.
 */
export class GroupOffsets {
  constructor(
    private readonly settings: KafkaClientSettings,
    readonly groupId: string,
  ) {}

  /**
   * The committed offsets, sorted by topic and partition; [] for a group that never committed.
   * Read with a consumer's OffsetFetch over every partition of every topic, not the admin
   * client's ListConsumerGroupOffsets: librdkafka 2.15 crashes the process (a null group
   * pointer in its NOT_COORDINATOR handling) when an admin client gets that answer, as it does
   * while a fresh cluster loads its offsets topic; a consumer handles it and asks again.
   */
  async list(timeoutMs = 10_000): Promise<GroupOffset[]> {
    return this.withConsumer('offset fetch', async (consumer) => {
      const partitions = (await allPartitions(consumer, timeoutMs)).map(({ topic, partition }) => ({
        topic,
        partition,
      }));
      if (partitions.length === 0) return [];
      const committed = await new Promise<TopicPartitionOffset[]>((resolve, reject) =>
        consumer.committed(partitions, timeoutMs, (error, offsets) =>
          error
            ? reject(new Error(`Failed to retrieve consumer group offsets for group ${this.groupId}: ${error.message}`))
            : resolve(offsets),
        ),
      );
      return committed
        .filter((p) => typeof p.offset === 'number' && p.offset >= 0)
        .map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset }))
        .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    });
  }

  /** Commits the given offsets for the group, as a member-less (manually assigned) consumer. */
  async commit(offsets: readonly GroupOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.withConsumer(
      'offset commit',
      (consumer) =>
        new Promise<void>((resolve, reject) => {
          consumer.commitCb([...offsets], (error) =>
            error ? reject(new Error(`committing offsets of ${this.groupId} failed: ${error.message}`)) : resolve(),
          );
        }),
    );
  }

  /** Deletes the group and with it every committed offset; a group that does not exist is fine. */
  async deleteAll(timeoutMs = 10_000): Promise<void> {
    const admin = this.admin();
    try {
      await new Promise<void>((resolve, reject) => {
        admin.deleteGroups([this.groupId], { timeout: timeoutMs }, (error, results) => {
          const failure = error ?? results?.find((result) => result.error)?.error;
          if (!failure || failure.code === GROUP_ID_NOT_FOUND) resolve();
          else reject(new Error(`deleting consumer group ${this.groupId} failed: ${failure.message}`));
        });
      });
    } finally {
      admin.disconnect();
    }
  }

  /**
   * Sets some partitions' offsets and removes others'. The client library has no call to delete
   * single partitions' offsets, so a removal rewrites the group: delete it, commit the rest back.
   */
  async alter(set: readonly GroupOffset[], remove: readonly { topic: string; partition: number }[]): Promise<void> {
    if (remove.length === 0) return this.commit(set);
    const removed = new Set(remove.map((p) => `${p.topic}\u0000${p.partition}`));
    const replaced = new Set(set.map((p) => `${p.topic}\u0000${p.partition}`));
    const kept = (await this.list()).filter((p) => {
      const key = `${p.topic}\u0000${p.partition}`;
      return !removed.has(key) && !replaced.has(key);
    });
    await this.deleteAll();
    await this.commit([...kept, ...set]);
  }

  private admin(): IAdminClient {
    return kafkaLibrary().AdminClient.create(this.settings);
  }

  /** A consumer of the group that never joins it (no subscribe), for the call, then closed. */
  private async withConsumer<T>(what: string, use: (consumer: GroupConsumer) => Promise<T>): Promise<T> {
    const consumer = new (kafkaLibrary().KafkaConsumer)(
      { ...this.settings, 'group.id': this.groupId, 'enable.auto.commit': false },
      {},
    ) as GroupConsumer;
    await connectClient(consumer, what);
    try {
      return await use(consumer);
    } finally {
      await disconnectClient(consumer);
    }
  }
}

type GroupConsumer = KafkaConsumer & {
  commitCb(offsets: TopicPartitionOffset[], callback: (error: LibrdKafkaError | null) => void): void;
};

/** Every partition of every topic but Kafka's internal ones (`__consumer_offsets`, ...). */
function allPartitions(consumer: KafkaConsumer, timeoutMs: number): Promise<{ topic: string; partition: number }[]> {
  return new Promise((resolve, reject) =>
    consumer.getMetadata({ allTopics: true, timeout: timeoutMs }, (error, metadata) => {
      if (error) reject(new Error(`reading the cluster's topics failed: ${error.message}`));
      else
        resolve(
          metadata.topics
            .filter((topic) => !topic.name.startsWith('__'))
            .flatMap((topic) => topic.partitions.map((p) => ({ topic: topic.name, partition: p.id }))),
        );
    }),
  );
}
