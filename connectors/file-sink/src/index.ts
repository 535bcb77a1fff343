import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { RetriableError, Type, defineSink } from '@sluice/sdk';
import type { ConfigOf, SinkRecord, SinkTask, SinkTaskContext } from '@sluice/sdk';
import type { WrittenState } from './written-state.js';
import { readState, writeState } from './written-state.js';

const config = Type.Object({
  file: Type.String({ description: 'The file to append records to, one line each (UTF-8).', minLength: 1 }),
});

type Config = ConfigOf<typeof config>;

/** Errors that mean "the target is not there right now" rather than "this cannot work". */
const TRANSIENT = new Set(['ENOENT', 'EACCES', 'EPERM', 'ENOSPC', 'EIO', 'EAGAIN', 'EBUSY', 'EROFS']);

/**
 * Appends each record's value as a line. Idempotent across redelivery: records at or below the
 * last offset written for their partition are skipped, and a flush first cuts the file back to
 * its last committed length, so a retried or crashed flush never leaves a partial or repeated line.
 */
class FileSinkTask implements SinkTask {
  private lines: string[] = [];
  private readonly pendingOffsets = new Map<string, string>();

  constructor(
    private readonly config: Config,
    private readonly ctx: SinkTaskContext,
    private state: WrittenState,
  ) {}

  async put(records: readonly SinkRecord[]): Promise<void> {
    for (const record of records) {
      const partition = `${record.topic}/${record.partition}`;
      const last = this.pendingOffsets.get(partition) ?? this.state.offsets[partition];
      if (last !== undefined && BigInt(record.offset) <= BigInt(last)) continue; // redelivered
      this.pendingOffsets.set(partition, record.offset);
      if (record.value === null) continue; // a tombstone deletes nothing in a file
      const line = lineOf(record.value);
      if (line.includes('\n')) {
        await this.ctx.report(record, new Error('value contains a line break: a file sink writes one record per line'));
        continue;
      }
      this.lines.push(line);
    }
  }

  async flush(): Promise<void> {
    if (this.lines.length === 0 && this.pendingOffsets.size === 0) return;
    const bytes = Buffer.from(this.lines.map((line) => `${line}\n`).join(''));
    try {
      // created if gone (its directory came back empty): the sink then rewrites what it has
      const handle = await open(this.config.file, constants.O_RDWR | constants.O_CREAT);
      try {
        const { size } = await handle.stat();
        if (size < this.state.length) throw new FileChangedError(this.config.file, size, this.state.length);
        await handle.truncate(this.state.length);
        await handle.write(bytes, 0, bytes.length, this.state.length);
        await handle.sync();
      } finally {
        await handle.close();
      }
      const state = {
        length: this.state.length + bytes.length,
        offsets: { ...this.state.offsets, ...Object.fromEntries(this.pendingOffsets) },
      };
      await writeState(this.config.file, state);
      this.state = state;
    } catch (error) {
      throw transient(error) ? new RetriableError(`writing ${this.config.file} failed`, { cause: error }) : error;
    }
    this.lines = [];
    this.pendingOffsets.clear();
  }

  async close(): Promise<void> {
    // nothing held open between flushes
  }
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

/** Creates the file if missing and returns its length (0 for a new file). */
async function ensureFile(file: string): Promise<number> {
  try {
    await (await open(file, 'a')).close();
    return (await stat(file)).size;
  } catch (error) {
    throw transient(error) ? new RetriableError(`opening ${file} failed`, { cause: error }) : error;
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
    return new FileSinkTask(taskConfig, ctx, state);
  },
});
