import type { Logger, TopicPartition } from '@sluice/sdk';

/** Told of partitions coming and going, in the order the group decides. */
export interface RebalanceListener {
  /** Partitions newly assigned; their messages follow in consume(). */
  assigned(partitions: readonly TopicPartition[]): void;
  /**
   * Partitions about to leave this consumer. Their messages not yet handed out are dropped and
   * no more arrive (the next owner reads them again from the committed offset); the consumer
   * releases them to the group once the promise settles. `lost`: the group already gave them to
   * another member, so a commit for them would be refused.
   */
  revoked(partitions: readonly TopicPartition[], lost: boolean): Promise<void>;
}

export interface ConsumerOptions {
  readonly groupId: string;
  /** Where a group without committed offsets starts. */
  readonly autoOffsetReset?: 'earliest' | 'latest';
  /** Longest a consume() call waits for its first message; default 100 ms. */
  readonly pollTimeoutMs?: number;
  /**
   * A stable identity across restarts (static membership, KIP-345): a restarted member takes its
   * partitions back at once instead of waiting out the dead member's session timeout, and an
   * older process still running with the same identity is fenced by the broker. disconnect()
   * leaves the group explicitly, so a member that stops on purpose never stalls the group.
   */
  readonly instanceId?: string;
  /** Messages held in memory before fetching pauses (back-pressure); default 10 000. */
  readonly maxBufferedMessages?: number;
  /** Payload bytes held in memory before fetching pauses; default 16 MiB. */
  readonly maxBufferedBytes?: number;
  readonly rebalance?: RebalanceListener;
  /** Told of what an operator should know: a partition handed from the direct fetch path to librdkafka's. */
  readonly log?: Pick<Logger, 'warn'>;
}
