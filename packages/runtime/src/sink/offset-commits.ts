import type { TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import type { Logger, TopicPartition } from '@sluice/sdk';
import type { KafkaGroupConsumer } from '../kafka/consumer.js';
import { kafkaLibrary } from '../kafka/library.js';
import { keyOf } from '../kafka/topic-partitions.js';
import type { TaskMetrics } from '../metrics/task-metrics.js';
import type { PendingOffsets } from './pending-offsets.js';

/** How often a final commit refused by a rebalance in progress is made again. */
const REJOIN_RETRY_MS = 100;

/**
 * A sink task's offset commits of what its flushes made durable: each covers exactly offsets
 * the caller took from `pending` before the flush, and a success forgets them there.
 *
 * The final commit (the task is stopping) must not be lost to a rebalance that happens to run at
 * that moment: the group refuses a commit made under the generation it is replacing
 * (ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID), which a periodic commit can
 * leave to the next flush but a stopping task cannot. The consumer rejoins meanwhile (its
 * callbacks keep being served), so the commit is made again under the new generation, for the
 * partitions still held, until the deadline; partitions revoked meanwhile are committed as they
 * leave (`leaving`), since the final flush already wrote them; lost ones are never committed.
 *
 * Invariant: only offsets in `pending` are committed, and only while their partition is held or
 * being revoked (never lost), so a commit never moves a partition another member now owns.
 */
export class OffsetCommits {
  constructor(
    private readonly consumer: KafkaGroupConsumer,
    private readonly pending: PendingOffsets,
    private readonly metrics: TaskMetrics,
    private readonly log: Logger,
  ) {}

  /** Commits `covered`; a failure is logged and left to the next flush (its offsets stay pending). */
  async commit(covered: readonly TopicPartitionOffset[]): Promise<void> {
    const error = await this.attempt(covered);
    if (error)
      this.log.warn('offset commit failed; the offsets are committed with the next flush', { error: error.message });
  }

  /** The stopping task's commit: made again while a rebalance refuses it, until `deadline`. */
  async commitLast(covered: readonly TopicPartitionOffset[], deadline: number): Promise<void> {
    for (let attempts = 1; ; attempts++) {
      const held = new Set(this.consumer.assignment().map(keyOf));
      const error = await this.attempt(covered.filter((offset) => held.has(keyOf(offset))));
      if (!error) {
        if (attempts > 1) this.log.info('final offset commit made after a rebalance', { attempts });
        return;
      }
      if (!refusedByRebalance(error) || Date.now() + REJOIN_RETRY_MS > deadline) {
        this.log.warn('final offset commit failed; records since the last commit will be delivered again', {
          error: error.message,
          attempts,
        });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, REJOIN_RETRY_MS));
    }
  }

  /** Partitions revoked after the final flush: what it wrote and no commit covered yet is committed now. */
  async leaving(partitions: readonly TopicPartition[], lost: boolean): Promise<void> {
    const keys = new Set(partitions.map(keyOf));
    const covered = this.pending.snapshot().filter((offset) => keys.has(keyOf(offset)));
    if (!lost && covered.length > 0) await this.commit(covered);
    this.pending.forget(partitions);
  }

  private async attempt(covered: readonly TopicPartitionOffset[]): Promise<Error | undefined> {
    if (covered.length === 0) return undefined;
    try {
      await this.consumer.commit(covered);
      this.metrics.offsetCommits += 1;
      this.pending.committed(covered);
      return undefined;
    } catch (error) {
      // e.g. the partitions moved to another task: their records are delivered again there
      this.metrics.offsetCommitFailures += 1;
      return error as Error;
    }
  }
}

/** Whether the group refused a commit because its generation is being replaced (a rejoin makes it valid again). */
function refusedByRebalance(error: Error): boolean {
  const codes = kafkaLibrary().CODES.ERRORS;
  const code = (error.cause as { code?: number } | undefined)?.code;
  return [codes.ERR_ILLEGAL_GENERATION, codes.ERR_REBALANCE_IN_PROGRESS, codes.ERR_UNKNOWN_MEMBER_ID].includes(
    code as number,
  );
}
