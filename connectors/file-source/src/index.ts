import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Type, defineSource, pause } from '@sluice/sdk';
import type { ConfigOf, SourceRecord, SourceTask, SourceTaskContext } from '@sluice/sdk';

const config = Type.Object({
  file: Type.String({ description: 'The file to read, one record per line (UTF-8).', minLength: 1 }),
  topic: Type.String({ description: 'The Kafka topic to write the lines to.', minLength: 1 }),
  'batch.size': Type.Integer({ description: 'Most lines returned by one poll.', default: 2000, minimum: 1 }),
  'poll.interval.ms': Type.Integer({
    description: 'How long a poll waits when the file has no new complete line.',
    default: 200,
    minimum: 1,
  }),
});

type Config = ConfigOf<typeof config>;

/** Bytes read per poll at most; a longer line is read over several polls. */
const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Follows a file like `tail -f`: each complete line is a record whose source offset is the
 * byte position after it, so a restart continues at the first line not yet in Kafka.
 *
 * Invariants: `pending` holds the bytes read past `position`; the file is read again only when
 * `pending` has fewer complete lines than a batch, so each byte is copied a bounded number of
 * times (no backlog re-copied per poll); every record shares one source partition object.
 */
class FileSourceTask implements SourceTask {
  private handle: FileHandle | undefined;
  private pending = Buffer.alloc(0); // bytes read past the last complete line
  private readonly partition: { readonly filename: string };

  constructor(
    private readonly config: Config,
    private readonly ctx: SourceTaskContext,
    private position: number,
  ) {
    this.partition = Object.freeze({ filename: config.file });
  }

  async poll(): Promise<SourceRecord[]> {
    const records = await this.readLines();
    if (records.length === 0) await pause(this.config['poll.interval.ms'], this.ctx.signal);
    return records;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  private async readLines(): Promise<SourceRecord[]> {
    const records: SourceRecord[] = [];
    this.takeCompleteLines(records); // what an earlier read left, without reading again
    if (records.length === this.config['batch.size']) return records;
    const handle = await this.openFile();
    if (!handle) return records;
    const { size } = await handle.stat();
    if (size < this.position + this.pending.length) {
      this.restartTruncated(size);
      records.length = 0;
    }
    const wanted = Math.min(CHUNK_BYTES, size - this.position - this.pending.length);
    if (wanted <= 0) return records;
    // the unread tail (less than a batch of lines) and the new bytes in one buffer: one copy each
    const buffer = Buffer.allocUnsafe(this.pending.length + wanted);
    this.pending.copy(buffer);
    const at = this.position + this.pending.length;
    const { bytesRead } = await handle.read(buffer, this.pending.length, wanted, at);
    this.pending = buffer.subarray(0, this.pending.length + bytesRead);
    this.takeCompleteLines(records);
    return records;
  }

  /** Moves complete lines from `pending` into `records`, up to a batch. */
  private takeCompleteLines(records: SourceRecord[]): void {
    const { pending } = this;
    const limit = this.config['batch.size'];
    let start = 0;
    for (
      let end = pending.indexOf(NEWLINE);
      end >= 0 && records.length < limit;
      end = pending.indexOf(NEWLINE, start)
    ) {
      const last = end > start && pending[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
      const value = pending.toString('utf8', start, last);
      start = end + 1;
      records.push({
        sourcePartition: this.partition,
        sourceOffset: { position: this.position + start },
        topic: this.config.topic,
        value,
      });
    }
    this.position += start;
    this.pending = pending.subarray(start);
  }

  private async openFile(): Promise<FileHandle | undefined> {
    if (this.handle) return this.handle;
    try {
      this.handle = await open(this.config.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.ctx.log.debug('file does not exist yet', { file: this.config.file });
    }
    return this.handle;
  }

  private restartTruncated(size: number): void {
    this.ctx.log.warn('file shrank below the stored position; reading it again from the start', {
      file: this.config.file,
      position: this.position,
      size,
    });
    this.position = 0;
    this.pending = Buffer.alloc(0);
  }
}

export default defineSource({
  name: 'FileStreamSource',
  version: '0.1.0',
  description: 'Lines of a file to Kafka records, resuming at the byte position after the last line in Kafka.',
  config,
  async createTask(taskConfig, ctx) {
    const stored = await ctx.offsetOf({ filename: taskConfig.file });
    const position = typeof stored?.position === 'number' ? stored.position : 0;
    return new FileSourceTask(taskConfig, ctx, position);
  },
});
