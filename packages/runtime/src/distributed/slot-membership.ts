import type { KafkaConsumer, LibrdKafkaError, TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import type { KafkaClientSettings } from '../kafka/client-config.js';
import { connectClient, disconnectClient } from '../kafka/connect.js';
import { kafkaLibrary } from '../kafka/library.js';

interface CooperativeConsumer {
  incrementalAssign(partitions: { topic: string; partition: number }[]): void;
  incrementalUnassign(partitions: { topic: string; partition: number }[]): void;
  assignmentLost(): boolean;
}

const ASSIGN_PARTITIONS = -175;
const REVOKE_PARTITIONS = -174;
/** How often the group is polled: rebalance callbacks are served only from a poll. */
const POLL_MS = 250;

/**
 * The group settings of the cluster's session: `session.timeout.ms` as given, heartbeats five
 * times a session, so a member learns of a rebalance (from a heartbeat's answer) within a fifth
 * of it rather than librdkafka's fixed 3 s. Used for the slots group and for every sink task's
 * group, so both notice a dead worker at the same moment.
 */
export function groupTimings(sessionTimeoutMs: number): Record<string, number> {
  return {
    'session.timeout.ms': sessionTimeoutMs,
    'heartbeat.interval.ms': Math.max(500, Math.floor(sessionTimeoutMs / 5)),
  };
}

export interface SlotMembershipOptions {
  /** The cluster's group id (workers sharing it share the work). */
  readonly groupId: string;
  /** The never-produced topic whose partitions are the slots. */
  readonly topic: string;
  /** This worker's stable identity (static membership: a restart within the session timeout keeps its slots). */
  readonly workerId: string;
  readonly sessionTimeoutMs: number;
  /** Slots this worker now owns. */
  readonly gained: (slots: readonly number[]) => void;
  /**
   * Slots this worker must give up: resolve once what runs in them has stopped (flushed and
   * committed when `lost` is false; `lost`: the group already gave them away, stop without
   * committing). The slots are released only after that.
   */
  readonly released: (slots: readonly number[], lost: boolean) => Promise<void>;
}

/**
 * Cluster membership through a Kafka consumer group: every worker joins a cooperative-sticky
 * group on the slots topic, pauses every partition it is given and never fetches, so a
 * partition is a slot and the group's session timeout is the failure detector. Static
 * membership (`group.instance.id` = the worker id): a worker restarted within the session
 * timeout gets its slots back with no rebalance; one gone longer loses them to the survivors.
 *
 * Invariant: `owned` is the set of slots gained and not yet released; a revoked slot stays
 * owned until `released` resolved, so nothing runs in a slot after another worker got it
 * unless the group reported it lost.
 */
export class SlotMembership {
  private readonly consumer: KafkaConsumer & CooperativeConsumer;
  private readonly owned = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private releases: Promise<void> = Promise.resolve();
  /**
   * Set by stop(): rebalance callbacks that arrive while leaving are answered at once (the
   * client's close waits for a revocation to be acknowledged) and start or stop nothing.
   */
  private leaving = false;

  constructor(
    settings: KafkaClientSettings,
    private readonly options: SlotMembershipOptions,
  ) {
    this.consumer = new (kafkaLibrary().KafkaConsumer)(
      {
        ...settings,
        'group.id': options.groupId,
        'group.instance.id': options.workerId,
        'client.id': `${options.groupId}-${options.workerId}`,
        'partition.assignment.strategy': 'cooperative-sticky',
        ...groupTimings(options.sessionTimeoutMs),
        'enable.auto.commit': false,
        rebalance_cb: (error: LibrdKafkaError | undefined, partitions: TopicPartitionOffset[]) =>
          this.onRebalance(error, partitions),
        queue_non_empty_cb: () => this.poll(),
      } as never,
      {},
    ) as KafkaConsumer & CooperativeConsumer;
    this.consumer.setDefaultConsumeTimeout(0);
  }

  async start(): Promise<void> {
    await connectClient(this.consumer, 'cluster membership');
    this.consumer.subscribe([this.options.topic]);
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.poll();
  }

  /** The slots this worker owns now, ascending. */
  slots(): number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  /** Leaves the group after releasing every slot (a static member's leave still waits out its session). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.leaving = true;
    await this.releases;
    const mine = this.slots();
    if (mine.length > 0) await this.options.released(mine, false);
    this.owned.clear();
    await disconnectClient(this.consumer);
  }

  private poll(): void {
    if (this.polling) return;
    this.polling = true;
    this.consumer.consume(1, () => {
      this.polling = false; // nothing is ever produced to the slots topic
    });
  }

  private onRebalance(error: LibrdKafkaError | undefined, partitions: readonly TopicPartitionOffset[]): void {
    const list = partitions.map(({ topic, partition }) => ({ topic, partition }));
    const slots = list.map((p) => p.partition);
    if (this.leaving) return this.answerWhileLeaving(error, list);
    if (error?.code === ASSIGN_PARTITIONS) {
      this.consumer.incrementalAssign(list);
      if (list.length > 0) this.consumer.pause(list);
      for (const slot of slots) this.owned.add(slot);
      if (slots.length > 0) this.options.gained(slots);
    } else if (error?.code === REVOKE_PARTITIONS) {
      const lost = this.consumer.assignmentLost();
      this.releases = this.releases
        .then(() => this.options.released(slots, lost))
        .catch(() => undefined) // the owner reports its own failures
        .finally(() => {
          for (const slot of slots) this.owned.delete(slot);
          this.unassign(list);
        });
    }
  }

  /** Acknowledges a rebalance during close. */
  private answerWhileLeaving(error: LibrdKafkaError | undefined, list: { topic: string; partition: number }[]): void {
    if (error?.code === REVOKE_PARTITIONS) this.unassign(list);
    else if (error?.code === ASSIGN_PARTITIONS) {
      try {
        this.consumer.incrementalAssign(list);
      } catch {
        // closed meanwhile: nothing left to acknowledge
      }
    }
  }

  /** Gives slots back to the group; a consumer closed meanwhile refuses, which is fine then. */
  private unassign(list: { topic: string; partition: number }[]): void {
    try {
      this.consumer.incrementalUnassign(list);
    } catch (error) {
      if (!this.leaving) throw error;
    }
  }
}
