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
