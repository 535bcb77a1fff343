import type { Message, TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import type { TopicPartition } from '@sluice/sdk';

/** The offsets to commit after processing `messages`: per partition, the highest offset + 1. */
export function nextOffsets(messages: readonly Message[]): TopicPartitionOffset[] {
  const next = new Map<string, TopicPartitionOffset>();
  for (const { topic, partition, offset } of messages) {
    const key = keyOf({ topic, partition });
    const known = next.get(key);
    if (!known || known.offset <= offset) next.set(key, { topic, partition, offset: offset + 1 });
  }
  return [...next.values()];
}

/** The distinct topics of `messages`, in order of first appearance (a batch mostly has one). */
export function topicsOf(messages: readonly { readonly topic: string }[]): string[] {
  const topics: string[] = [];
  let last: string | undefined;
  for (const { topic } of messages) {
    if (topic !== last && !topics.includes(topic)) topics.push(topic);
    last = topic;
  }
  return topics;
}

/**
 * A test of "is this message's partition in `held` (keys from keyOf)", asked once per run of
 * messages of one partition: the answer for the last partition is reused while it repeats.
 */
export function inPartitions(held: { has(key: string): boolean }): (message: TopicPartition) => boolean {
  let last: TopicPartition | undefined;
  let lastHeld = false;
  return (message) => {
    if (last === undefined || message.partition !== last.partition || message.topic !== last.topic) {
      lastHeld = held.has(keyOf(message));
      last = message;
    }
    return lastHeld;
  };
}

export function keyOf({ topic, partition }: TopicPartition): string {
  return `${topic}\u0000${partition}`;
}

/** `topic-partition`, as Kafka names a partition in logs. */
export function partitionName({ topic, partition }: TopicPartition): string {
  return `${topic}-${partition}`;
}
