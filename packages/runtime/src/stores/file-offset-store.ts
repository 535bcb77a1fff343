import type { SourceOffset, SourcePartition } from '@sluice/sdk';
import { AtomicJsonFile, readJsonFile } from './atomic-file.js';
import type { AdministeredOffsetStore, PartitionOffset } from './offset-store.js';
import { sourceOffsetKey } from './offset-store.js';

/** Source offsets in one JSON file, replaced atomically on every change (standalone mode). */
export class FileOffsetStore implements AdministeredOffsetStore {
  private offsets: Map<string, SourceOffset> | undefined;
  private readonly out: AtomicJsonFile;

  constructor(private readonly file: string) {
    this.out = new AtomicJsonFile(file);
  }

  async get(connector: string, partition: SourcePartition): Promise<SourceOffset | undefined> {
    return (await this.load()).get(sourceOffsetKey(connector, partition));
  }

  async set(connector: string, offsets: readonly PartitionOffset[]): Promise<void> {
    const map = await this.load();
    for (const { partition, offset } of offsets) map.set(sourceOffsetKey(connector, partition), offset);
    await this.out.write([...map]);
  }

  /** Every stored partition of a connector and its offset (for Connect's GET .../offsets). */
  async list(connector: string): Promise<PartitionOffset[]> {
    return [...(await this.load())].flatMap(([key, offset]) => {
      const [owner, partition] = JSON.parse(key) as [string, SourcePartition];
      return owner === connector ? [{ partition, offset }] : [];
    });
  }

  /** Sets offsets and removes the partitions given with a null offset; atomic, like set. */
  async alter(
    connector: string,
    offsets: readonly { partition: SourcePartition; offset: SourceOffset | null }[],
  ): Promise<void> {
    const map = await this.load();
    for (const { partition, offset } of offsets) {
      if (offset === null) map.delete(sourceOffsetKey(connector, partition));
      else map.set(sourceOffsetKey(connector, partition), offset);
    }
    await this.out.write([...map]);
  }

  /** Forgets every offset of a connector. */
  async reset(connector: string): Promise<void> {
    const mine = await this.list(connector);
    await this.alter(
      connector,
      mine.map(({ partition }) => ({ partition, offset: null })),
    );
  }

  private async load(): Promise<Map<string, SourceOffset>> {
    this.offsets ??= new Map(await readJsonFile<[string, SourceOffset][]>(this.file, 'source offsets', []));
    return this.offsets;
  }
}
