import { open, readFile, rename } from 'node:fs/promises';

/**
 * What the sink has made durable: the file's committed length and, per topic-partition, the
 * last Kafka offset written. Kept beside the file, replaced atomically (write, fsync, rename),
 * so after a crash the sink knows which bytes and records are really in the file.
 */
export interface WrittenState {
  length: number;
  offsets: Record<string, string>;
  /** A token new with every write (absent in a state an older sink wrote). */
  copy?: string;
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
 * Which copy of the state is on disk: the `copy` token its writer put in it (each write makes a
 * new one), or undefined when there is none. A task that finds another token than the one it
 * wrote last knows another task committed to the file since (it took the partitions over).
 * (Not the inode: a file system hands a freed inode number out again at once.)
 */
export async function stateCopy(file: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(statePath(file), 'utf8')) as WrittenState).copy;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
