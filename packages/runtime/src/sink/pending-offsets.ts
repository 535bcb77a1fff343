import type { Message, TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import type { TopicPartition } from '@sluice/sdk';
import { keyOf } from '../kafka/topic-partitions.js';

/**
 * The next offsets (last handled + 1) of everything put, or skipped as errant, since the last
 * commit, per partition.
 *
 * Invariant: an entry exists only for a partition the task holds and has handled a record of
 * that no successful commit covered yet.
 */
export class PendingOffsets {
  private readonly next = new Map<string, TopicPartitionOffset>();

  get size(): number {
    return this.next.size;
  }

  /** Notes `messages` as handled (their partitions in Kafka order). */
  record(messages: readonly Message[]): void {
    // per run of one partition (a batch mostly is one): its key built once, its entry set once
    let run: Message | undefined;
    for (const message of messages) {
      if (run !== undefined && (message.partition !== run.partition || message.topic !== run.topic)) {
        this.note(run);
      }
      run = message;
    }
    if (run !== undefined) this.note(run);
  }

  private note({ topic, partition, offset }: Message): void {
    const key = keyOf({ topic, partition });
    const known = this.next.get(key);
    if (!known || known.offset <= offset) this.next.set(key, { topic, partition, offset: offset + 1 });
  }

  /** What a commit now would cover. */
  snapshot(): TopicPartitionOffset[] {
    return [...this.next.values()];
  }

  /** `covered` is committed: forgets each entry unless a later record moved it on. */
  committed(covered: readonly TopicPartitionOffset[]): void {
    for (const offset of covered) {
      const key = keyOf(offset);
      if (this.next.get(key) === offset) this.next.delete(key);
    }
  }

  /** The partitions left the task: their uncommitted records are their next owner's. */
  forget(partitions: readonly TopicPartition[]): void {
    for (const partition of partitions) this.next.delete(keyOf(partition));
  }
}
