import type { LibrdKafkaError, TopicPartitionOffset } from '@confluentinc/kafka-javascript';

interface PendingCommit {
  readonly key: string;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Pairs offset commits with the outcomes librdkafka reports later, through `offset_commit_cb`,
 * when the consumer next polls (the library's commit call itself returns once the commit is
 * queued, before the group coordinator answered).
 *
 * Invariant: every expected commit settles exactly once — with its outcome, a local failure,
 * its time limit, or failAll() — and is then forgotten.
 */
export class CommitConfirmations {
  private pending: PendingCommit[] = [];

  constructor(private readonly timeoutMs: number) {}

  /** A promise for the outcome of the commit of `offsets` the caller is about to send. */
  expect(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const key = keyOf(offsets);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.take((entry) => entry.timer === timer);
        reject(new Error(`offset commit not confirmed within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      timer.unref();
      this.pending.push({ key, resolve, reject, timer });
    });
  }

  /** The outcome librdkafka reported for a commit; settles the pending commit of the same offsets (else the oldest). */
  settle(error: LibrdKafkaError | undefined, offsets: readonly TopicPartitionOffset[]): void {
    const key = keyOf(offsets);
    const entry = this.take((candidate) => candidate.key === key) ?? this.take(() => true);
    if (!entry) return;
    if (error) entry.reject(new Error(`offset commit failed: ${error.message}`, { cause: error }));
    else entry.resolve();
  }

  /** A commit of `offsets` that failed before it was sent: it will get no outcome. */
  failed(offsets: readonly TopicPartitionOffset[], error: Error): void {
    const key = keyOf(offsets);
    this.take((candidate) => candidate.key === key)?.reject(error);
  }

  /** Rejects every pending commit (the consumer is closing: no outcome will come). */
  failAll(error: Error): void {
    for (const entry of this.pending.splice(0)) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
  }

  private take(match: (entry: PendingCommit) => boolean): PendingCommit | undefined {
    const index = this.pending.findIndex(match);
    if (index < 0) return undefined;
    const [entry] = this.pending.splice(index, 1);
    if (entry) clearTimeout(entry.timer);
    return entry;
  }
}

function keyOf(offsets: readonly TopicPartitionOffset[]): string {
  return offsets
    .map(({ topic, partition, offset }) => `${topic}\u0000${partition}\u0000${offset}`)
    .sort()
    .join('\n');
}
