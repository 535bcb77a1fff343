import type { SourcePartition, SourceRecord } from '@sluice/sdk';
import type { PartitionOffset } from '../stores/offset-store.js';

/** One polled batch between its send to Kafka and its commit(). */
interface Batch {
  readonly records: readonly SourceRecord[];
  acked: boolean;
  failure?: { error: unknown };
}

/** Stores the offsets (merged, last per partition) of one or more consecutive acknowledged batches. */
export type StoreOffsets = (offsets: PartitionOffset[]) => Promise<void>;

/**
 * A source task's batches sent to Kafka whose offsets are not stored yet, so the next poll and
 * send overlap the acknowledgement and offset store of the ones before. The task's commit() is
 * not called from here: the runner takes the stored batches (takeStored) between two polls, so
 * calls into the task stay one at a time.
 *
 * Invariants: offsets are stored in poll order, and a batch's offsets only once Kafka has
 * acknowledged it and every batch before it; consecutive acknowledged batches share one store
 * (one write, one fsync); a batch is in `stored` only once its offsets are; after a failure (a
 * batch Kafka did not take, or a failing store) nothing more is stored and every wait rejects.
 */
export class BatchesInFlight {
  private readonly queue: Batch[] = [];
  private stored: (readonly SourceRecord[])[] = [];
  private storing = false;
  private failure: { error: unknown } | undefined;
  private waiters: (() => void)[] = [];

  constructor(private readonly storeOffsets: StoreOffsets) {}

  /** Batches sent whose offsets are not stored yet. */
  get size(): number {
    return this.queue.length;
  }

  /** The batches whose offsets are stored since the last call, in poll order, for commit(). */
  takeStored(): (readonly SourceRecord[])[] {
    const stored = this.stored;
    this.stored = [];
    return stored;
  }

  /** Adds a batch whose records Kafka acknowledges when `acked` resolves. */
  add(records: readonly SourceRecord[], acked: Promise<unknown>): void {
    const batch: Batch = { records, acked: false };
    this.queue.push(batch);
    acked.then(
      () => {
        batch.acked = true;
        void this.pump();
      },
      (error: unknown) => {
        batch.failure = { error };
        void this.pump();
      },
    );
  }

  /** Resolves once fewer than `limit` batches are in flight; rejects once one has failed. */
  async room(limit: number): Promise<void> {
    while (this.failure === undefined && this.queue.length >= limit) await this.changed();
    if (this.failure) throw this.failure.error;
  }

  /** Resolves once every batch's offsets are stored; rejects once one has failed. */
  drain(): Promise<void> {
    return this.room(1);
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  /** Stores the offsets of the acknowledged head of the queue, one store at a time. */
  private async pump(): Promise<void> {
    if (this.storing) return;
    this.storing = true;
    try {
      for (let ready = this.readyHead(); ready > 0 && !this.failure; ready = this.readyHead()) {
        const done = this.queue.slice(0, ready);
        await this.storeOffsets(lastOffsets(done));
        this.queue.splice(0, ready);
        for (const batch of done) this.stored.push(batch.records);
        this.notify();
      }
    } catch (error) {
      this.failure ??= { error };
    } finally {
      this.storing = false;
      this.notify();
    }
  }

  /** How many batches at the head are acknowledged; marks the pipeline failed at a failed one. */
  private readyHead(): number {
    let ready = 0;
    for (const batch of this.queue) {
      if (batch.failure) {
        if (ready === 0) this.failure ??= batch.failure;
        break;
      }
      if (!batch.acked) break;
      ready += 1;
    }
    return ready;
  }
}

/** Per source partition, the offset of its last record in these batches (poll order). */
export function lastOffsets(batches: readonly { readonly records: readonly SourceRecord[] }[]): PartitionOffset[] {
  const last = new Map<string, SourceRecord>();
  // tasks mostly reuse one partition object: its key is computed once per run of the same object
  let partition: SourcePartition | undefined;
  let partitionKey = '';
  for (const { records } of batches) {
    for (const record of records) {
      if (record.sourcePartition !== partition) {
        partition = record.sourcePartition;
        partitionKey = JSON.stringify(partition);
      }
      last.set(partitionKey, record);
    }
  }
  return [...last.values()].map((record) => ({ partition: record.sourcePartition, offset: record.sourceOffset }));
}
