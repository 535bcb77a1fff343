import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { SourceOffset, SourcePartition } from '@sluice/sdk';
import type { OffsetStore, PartitionOffset } from './offset-store.js';

/**
 * Source offsets in one JSON file, rewritten whole on every change: write a temporary file,
 * fsync it, rename it over the old one, fsync the directory. A kill -9 at any moment leaves
 * either the old or the new file, never a torn one.
 */
export class FileOffsetStore implements OffsetStore {
  private offsets: Map<string, SourceOffset> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async get(connector: string, partition: SourcePartition): Promise<SourceOffset | undefined> {
    return (await this.load()).get(keyOf(connector, partition));
  }

  async set(connector: string, offsets: readonly PartitionOffset[]): Promise<void> {
    const map = await this.load();
    for (const { partition, offset } of offsets) map.set(keyOf(connector, partition), offset);
    const snapshot = JSON.stringify([...map]);
    // writes are serialised, so a slower earlier write never replaces a newer file
    this.writing = this.writing.then(() => this.write(snapshot));
    await this.writing;
  }

  private async load(): Promise<Map<string, SourceOffset>> {
    if (this.offsets) return this.offsets;
    try {
      this.offsets = new Map(JSON.parse(await readFile(this.file, 'utf8')) as [string, SourceOffset][]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`reading source offsets from ${this.file} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
      this.offsets = new Map();
    }
    return this.offsets;
  }

  private async write(contents: string): Promise<void> {
    const directory = path.dirname(this.file);
    await mkdir(directory, { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(contents);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.file);
    const dir = await open(directory, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

/** A stable key: connector name + the partition's fields in sorted order. */
function keyOf(connector: string, partition: SourcePartition): string {
  const sorted = Object.fromEntries(Object.entries(partition).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify([connector, sorted]);
}
