import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replaces `file` with `contents` so that a kill -9 at any moment leaves either the old or the
 * new file, never a torn one: write a temporary file, fsync it, rename it over, fsync the directory.
 */
export async function writeFileAtomic(file: string, contents: string): Promise<void> {
  const directory = path.dirname(file);
  await mkdir(directory, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  const dir = await open(directory, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** The parsed JSON of `file`, or `fallback` when it does not exist; a clear error when unreadable. */
export async function readJsonFile<T>(file: string, what: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new Error(`reading ${what} from ${file} failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Serialises writes so a slower earlier write never replaces a newer file. */
export class AtomicJsonFile {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  write(value: unknown): Promise<void> {
    const contents = JSON.stringify(value);
    this.writing = this.writing.then(() => writeFileAtomic(this.file, contents));
    return this.writing;
  }
}
