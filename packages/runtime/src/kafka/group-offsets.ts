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

  /** The committed offsets, sorted by topic and partition; [] for a group that never committed. */
  async list(timeoutMs = 10_000): Promise<GroupOffset[]> {
    const admin = this.admin();
    try {
      const results = await new Promise<GroupOffset[]>((resolve, reject) =>
        listOffsets(admin, this.groupId, timeoutMs, (error, value) => (error ? reject(error) : resolve(value))),
      );
      return results.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    } finally {
      admin.disconnect();
    }
  }

  /** Commits the given offsets for the group, as a member-less (manually assigned) consumer. */
  async commit(offsets: readonly GroupOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const consumer = new (kafkaLibrary().KafkaConsumer)(
      { ...this.settings, 'group.id': this.groupId, 'enable.auto.commit': false },
      {},
    ) as KafkaConsumer & {
      commitCb(offsets: TopicPartitionOffset[], callback: (error: LibrdKafkaError | null) => void): void;
    };
    await connectClient(consumer, 'offset commit');
    try {
      await new Promise<void>((resolve, reject) => {
        consumer.commitCb([...offsets], (error) =>
          error ? reject(new Error(`committing offsets of ${this.groupId} failed: ${error.message}`)) : resolve(),
        );
      });
    } finally {
      await disconnectClient(consumer);
    }
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
}

function listOffsets(
  admin: IAdminClient,
  groupId: string,
  timeoutMs: number,
  done: (error: Error | undefined, offsets: GroupOffset[]) => void,
): void {
  admin.listConsumerGroupOffsets([{ groupId }], { timeout: timeoutMs }, (error, results) => {
    const failure = error ?? results?.find((result) => result.error)?.error;
    if (failure && failure.code !== GROUP_ID_NOT_FOUND) {
      done(new Error(`Failed to retrieve consumer group offsets for group ${groupId}: ${failure.message}`), []);
      return;
    }
    const partitions = (results ?? []).flatMap((result) => result.partitions ?? []);
    done(
      undefined,
      partitions
        .filter((p) => typeof p.offset === 'number' && p.offset >= 0)
        .map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset })),
    );
  });
}
