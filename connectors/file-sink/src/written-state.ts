import { open, readFile, rename, stat } from 'node:fs/promises';

/**
 * What the sink has made durable: the file's committed length and, per topic-partition, the
 * last Kafka offset written. Kept beside the file, replaced atomically (write, fsync, rename),
 * so after a crash the sink knows which bytes and records are really in the file.
 */
export interface WrittenState {
  length: number;
  offsets: Record<string, string>;
}

export function statePath(file: string): string {
  return `${file}.sluice-state.json`;
}

/**
 * The stored state; on first use, records the file's current length as committed (content that
 * was there before this sink) before any flush can append, so a crash during the very first
 * flush still rolls back to it.
 */
export async function readState(file: string, currentLength: number): Promise<WrittenState> {
  try {
    return JSON.parse(await readFile(statePath(file), 'utf8')) as WrittenState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const state = { length: currentLength, offsets: {} };
    await writeState(file, state);
    return state;
  }
}

export async function writeState(file: string, state: WrittenState): Promise<void> {
  const temporary = `${statePath(file)}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(JSON.stringify(state));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, statePath(file));
}

/**
 * Which copy of the state is on disk: its inode (every write renames a new file into place), or
 * undefined when there is none. A task that finds another inode than the one it wrote or read
 * last knows another task committed to the file since (it took the partitions over).
 */
export async function stateIdentity(file: string): Promise<number | undefined> {
  try {
    return (await stat(statePath(file))).ino;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
