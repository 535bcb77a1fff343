import type { SourceOffset, SourcePartition } from '@sluice/sdk';
import type { KafkaClientSettings } from '../kafka/client-config.js';
import type { AdministeredOffsetStore, PartitionOffset } from '../stores/offset-store.js';
import { sourceOffsetKey } from '../stores/offset-store.js';
import { KafkaTable } from './kafka-table.js';

/**
 * Source offsets in the cluster's offsets topic (compacted), keyed as Kafka Connect keys them:
 * `[connector, partition]` as JSON, the offset as the value, a tombstone to forget one. Every
 * worker tails the topic, so a task that moves to another worker resumes from what its last
 * owner stored. `set` writes every offset of a batch in one produce call; they become visible
 * together once all are acknowledged (each offset alone is safe: it is stored only after Kafka
 * acknowledged its records).
 */
export class KafkaOffsetStore implements AdministeredOffsetStore {
  constructor(private readonly table: KafkaTable<SourceOffset>) {}

  static create(settings: KafkaClientSettings, topic: string): KafkaOffsetStore {
    return new KafkaOffsetStore(new KafkaTable<SourceOffset>(settings, topic));
  }

  start(): Promise<void> {
    return this.table.start();
  }

  stop(): Promise<void> {
    return this.table.stop();
  }

  /**
   * Reads the topic to its end first (as Connect's offset store does): a task that just moved
   * here must see what its last owner stored while stopping, or it would repeat those records.
   */
  async get(connector: string, partition: SourcePartition): Promise<SourceOffset | undefined> {
    await this.table.catchUp();
    return this.table.get(sourceOffsetKey(connector, partition));
  }

  /**
   * Resolves once Kafka acknowledged the offsets, without reading them back: every reader
   * (`get`, `list`) reads the topic to its end first. Reading back here cost each source batch
   * a watermark query per partition of the topic (25 by default), which under load made stopping
   * sources outlast their stop timeout.
   */
  set(connector: string, offsets: readonly PartitionOffset[]): Promise<void> {
    const rows = offsets.map(({ partition, offset }): [string, SourceOffset] => [
      sourceOffsetKey(connector, partition),
      offset,
    ]);
    return this.table.write(rows, { readBack: false });
  }

  async list(connector: string): Promise<PartitionOffset[]> {
    await this.table.catchUp();
    return this.table.entries().flatMap(([key, offset]) => {
      const [owner, partition] = parseKey(key);
      return owner === connector && partition ? [{ partition, offset }] : [];
    });
  }

  alter(
    connector: string,
    offsets: readonly { partition: SourcePartition; offset: SourceOffset | null }[],
  ): Promise<void> {
    return this.table.write(
      offsets.map(({ partition, offset }) => [sourceOffsetKey(connector, partition), offset ?? undefined]),
    );
  }

  async reset(connector: string): Promise<void> {
    const mine = await this.list(connector);
    await this.alter(
      connector,
      mine.map(({ partition }) => ({ partition, offset: null })),
    );
  }
}

/** A key another tool wrote in another shape belongs to no connector. */
function parseKey(key: string): [string | undefined, SourcePartition | undefined] {
  try {
    const parsed = JSON.parse(key) as unknown;
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'object' && parsed[1] !== null)
      return [parsed[0], parsed[1] as SourcePartition];
  } catch {
    // not ours
  }
  return [undefined, undefined];
}
