import { open, readFile, rename } from 'node:fs/promises';

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

export async function readState(file: string, currentLength: number): Promise<WrittenState> {
  try {
    return JSON.parse(await readFile(statePath(file), 'utf8')) as WrittenState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { length: currentLength, offsets: {} }; // a new file, or one written by something else
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
