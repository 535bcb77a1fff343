import type { SourceOffset, SourcePartition } from '@sluice/sdk';

export interface PartitionOffset {
  readonly partition: SourcePartition;
  readonly offset: SourceOffset;
}

/**
 * Source offsets per connector and source partition. Standalone mode keeps them in a local file;
 * distributed mode in a compacted Kafka topic. `set` is atomic: all given offsets or none.
 */
export interface OffsetStore {
  get(connector: string, partition: SourcePartition): Promise<SourceOffset | undefined>;
  set(connector: string, offsets: readonly PartitionOffset[]): Promise<void>;
}

/** An offset store the offsets API can read and change (Connect's KIP-875), per connector. */
export interface AdministeredOffsetStore extends OffsetStore {
  /** Every stored partition of a connector and its offset. */
  list(connector: string): Promise<PartitionOffset[]>;
  /** Sets offsets and removes the partitions given with a null offset. */
  alter(
    connector: string,
    offsets: readonly { partition: SourcePartition; offset: SourceOffset | null }[],
  ): Promise<void>;
  /** Forgets every offset of a connector. */
  reset(connector: string): Promise<void>;
}

/**
 * The stored key of a source partition: `[connector, partition]` as JSON with the partition's
 * fields in sorted order, the same key Kafka Connect writes to its offsets topic.
 */
export function sourceOffsetKey(connector: string, partition: SourcePartition): string {
  const sorted = Object.fromEntries(Object.entries(partition).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify([connector, sorted]);
}
