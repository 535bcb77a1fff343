import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { RetriableError, Type, defineSink } from '@sluice/sdk';
import type { FileHandle } from 'node:fs/promises';
import type { ConfigOf, SinkRecord, SinkTask, SinkTaskContext } from '@sluice/sdk';
import type { WrittenState } from './written-state.js';
import { readState, stateCopy, writeState } from './written-state.js';

const config = Type.Object({
  file: Type.String({ description: 'The file to append records to, one line each (UTF-8).', minLength: 1 }),
});

type Config = ConfigOf<typeof config>;

/** Errors that mean "the target is not there right now" rather than "this cannot work". */
const TRANSIENT = new Set(['ENOENT', 'EACCES', 'EPERM', 'ENOSPC', 'EIO', 'EAGAIN', 'EBUSY', 'EROFS']);
/**
 * A put checks that the open file is still the one at the path (two stats) at most this often; a
 * flush always does. Bytes written meanwhile to a file that vanished are copied to its successor
 * when the check notices (openFile), so the delay loses nothing; it saves two stats per batch.
 */
const PUT_CHECK_MS = 1000;

/**
 * Appends each record's value as a line, written as it is put and made durable (fsync, then the
 * written state) on flush. Idempotent across redelivery: records at or below the last offset
 * written for their partition are skipped, and the first write after opening cuts the file back to
 * its last committed length, so a retried or crashed flush never leaves a partial or repeated line.
 *
 * Invariants: bytes past `state.length` are `written` bytes of records put since the last flush
 * (their offsets in `pendingOffsets`), at their place in the file `handle` has open; a put that
 * failed part-way moved neither, so its retry writes the same bytes at the same place; nothing
 * of a batch is held in memory once written. The task writes only while the state on disk is
 * the copy it wrote last (its `copy` token): a task cut off from its group (a zombie) whose
 * partitions another task took over finds a newer copy and fails instead of cutting the file
 * back over the other task's lines.
 */
class FileSinkTask implements SinkTask {
  private handle: FileHandle | undefined;
  /** When `handle` was last found to be the file at the path (performance.now()). */
  private checkedAt = -Infinity;
  private written = 0;
  private readonly pendingOffsets = new Map<string, string>();

  constructor(
    private readonly config: Config,
    private readonly ctx: SinkTaskContext,
    private state: WrittenState,
  ) {}

  async put(records: readonly SinkRecord[]): Promise<void> {
    const offsets = new Map<string, string>(); // this put's, kept only once its bytes are written
    let text = '';
    let topic: string | undefined;
    let partition = -1;
    let key = '';
    let last: string | undefined;
    for (const record of records) {
      if (record.partition !== partition || record.topic !== topic) {
        ({ topic, partition } = record);
        key = `${topic}/${partition}`;
        last = offsets.get(key) ?? this.pendingOffsets.get(key) ?? this.state.offsets[key];
      }
      if (last !== undefined && !offsetAfter(record.offset, last)) continue; // redelivered
      last = record.offset;
      offsets.set(key, last);
      if (record.value === null) continue; // a tombstone deletes nothing in a file
      const line = lineOf(record.value);
      if (line.includes('\n')) {
        await this.ctx.report(record, new Error('value contains a line break: a file sink writes one record per line'));
        continue;
      }
      text += `${line}\n`;
    }
    await this.append(Buffer.from(text));
    for (const [key, offset] of offsets) this.pendingOffsets.set(key, offset);
  }

  async flush(): Promise<void> {
    if (this.written === 0 && this.pendingOffsets.size === 0) return;
    await this.checkSoleWriter();
    try {
      const handle = await this.openFile();
      await handle.truncate(this.state.length + this.written); // a failed put's bytes past the end
      await handle.sync();
      const state = {
        length: this.state.length + this.written,
        offsets: { ...this.state.offsets, ...Object.fromEntries(this.pendingOffsets) },
        copy: randomUUID(),
      };
      await writeState(this.config.file, state);
      this.state = state;
    } catch (error) {
      throw retriable(error, `writing ${this.config.file} failed`);
    }
    this.written = 0;
    this.pendingOffsets.clear();
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    this.checkedAt = -Infinity;
  }

  /** Writes `bytes` after what was written since the last flush. */
  private async append(bytes: Buffer): Promise<void> {
    if (bytes.length === 0) return;
    await this.checkSoleWriter();
    try {
      const recent = this.handle !== undefined && performance.now() - this.checkedAt < PUT_CHECK_MS;
      const handle = recent && this.handle ? this.handle : await this.openFile();
      await handle.write(bytes, 0, bytes.length, this.state.length + this.written);
    } catch (error) {
      throw retriable(error, `writing ${this.config.file} failed`);
    }
    this.written += bytes.length;
  }

  /** Not retriable: another task committed to the file since this one last did. */
  private async checkSoleWriter(): Promise<void> {
    const copy = await stateCopy(this.config.file).catch(() => this.state.copy);
    if (copy === this.state.copy || copy === undefined) return;
    throw new Error(
      `another task committed to ${this.config.file} since this one last did (its partitions moved while this task was cut off): this task writes no more`,
    );
  }

  /**
   * The open file, still the one at the configured path. Opened (created if gone: its directory
   * came back empty) and cut back to the committed length; when it replaces a file that vanished,
   * the bytes written to that one since the last flush are copied over, so nothing put is lost.
   */
  private async openFile(): Promise<FileHandle> {
    const held = this.handle;
    const checkedAt = performance.now();
    if (held && (await sameFile(held, this.config.file))) {
      this.checkedAt = checkedAt;
      return held;
    }
    const handle = await open(this.config.file, constants.O_RDWR | constants.O_CREAT);
    try {
      const { size } = await handle.stat();
      if (size < this.state.length) throw new FileChangedError(this.config.file, size, this.state.length);
      await handle.truncate(this.state.length);
      if (held && this.written > 0) await copyUncommitted(held, handle, this.state.length, this.written);
    } catch (error) {
      await handle.close();
      throw error;
    }
    this.handle = handle;
    this.checkedAt = checkedAt;
    await held?.close().catch(() => undefined);
    return handle;
  }
}

/** Kafka offsets as decimal strings (no leading zeros): true when `offset` comes after `last`. */
function offsetAfter(offset: string, last: string): boolean {
  return offset.length === last.length ? offset > last : offset.length > last.length;
}

/** True while `file` names the file `handle` has open (not removed, not replaced). */
async function sameFile(handle: FileHandle, file: string): Promise<boolean> {
  const [open, named] = await Promise.all([handle.stat(), stat(file).catch(() => undefined)]);
  return named !== undefined && named.ino === open.ino && named.dev === open.dev;
}

async function copyUncommitted(from: FileHandle, to: FileHandle, at: number, length: number): Promise<void> {
  const bytes = Buffer.allocUnsafe(length);
  const { bytesRead } = await from.read(bytes, 0, length, at);
  await to.write(bytes, 0, bytesRead, at);
}

/** Not retriable: bytes a flush had committed are gone, so records are lost beyond repair. */
class FileChangedError extends Error {
  constructor(file: string, size: number, committed: number) {
    super(`${file} is ${size} bytes but ${committed} were committed: something else truncated or replaced it`);
  }
}

function lineOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return JSON.stringify(value);
}

function transient(error: unknown): boolean {
  return TRANSIENT.has((error as NodeJS.ErrnoException).code ?? '');
}

function retriable(error: unknown, what: string): unknown {
  return transient(error) ? new RetriableError(what, { cause: error }) : error;
}

/** Creates the file if missing and returns its length (0 for a new file). */
async function ensureFile(file: string): Promise<number> {
  try {
    await (await open(file, 'a')).close();
    return (await stat(file)).size;
  } catch (error) {
    throw retriable(error, `opening ${file} failed`);
  }
}

export default defineSink({
  name: 'FileStreamSink',
  version: '0.1.0',
  description: 'Kafka records to lines of a file, written exactly once per offset even when records are redelivered.',
  config,
  // one file has one writer: its written-state bookkeeping assumes no other task appends
  taskConfigs: (taskConfig) => [taskConfig],
  async createTask(taskConfig, ctx) {
    const length = await ensureFile(taskConfig.file);
    const state = await readState(taskConfig.file, length);
    if (length > state.length) {
      ctx.log.info('cutting bytes no flush committed (a crash mid-write); they are redelivered', {
        file: taskConfig.file,
        bytes: length - state.length,
      });
    }
    // written again, as a new copy: a task that wrote the file before (cut off, a zombie) sees
    // another copy than its own and writes no more
    const claimed = { ...state, copy: randomUUID() };
    await writeState(taskConfig.file, claimed);
    return new FileSinkTask(taskConfig, ctx, claimed);
  },
});
