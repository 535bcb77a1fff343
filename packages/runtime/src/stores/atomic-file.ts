import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replaces `file` with `contents` so that a kill -9 at any moment leaves either the old or the
 * new file, never a torn one: write a temporary file, fsync it, rename it over, fsync the directory.
 */
export async function writeFileAtomic(file: string, contents: string): Promise<void> {
  const directory = path.dirname(file);
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w').catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    await mkdir(directory, { recursive: true }); // only when missing: not a call per write
    return open(temporary, 'w');
  });
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

/**
 * A JSON file that holds the latest of the values written to it. Writes run one at a time, so a
 * slower earlier write never replaces a newer file; writes asked for while one runs are folded
 * into one of the newest value. Each write's promise resolves once a file holding its value, or
 * a newer one, is durable (and rejects with that write's error).
 */
export class AtomicJsonFile {
  private writing: Promise<void> = Promise.resolve();
  /** The write waiting for the one in flight: later values replace its contents. */
  private queued: { contents: string; done: Promise<void> } | undefined;

  constructor(readonly file: string) {}

  write(value: unknown): Promise<void> {
    const contents = JSON.stringify(value);
    if (this.queued) {
      this.queued.contents = contents;
      return this.queued.done;
    }
    const queued = { contents, done: Promise.resolve() };
    queued.done = this.writing.then(() => {
      this.queued = undefined; // from here on, a new value waits for this write
      return writeFileAtomic(this.file, queued.contents);
    });
    this.queued = queued;
    this.writing = queued.done.catch(() => undefined);
    return queued.done;
  }
}
