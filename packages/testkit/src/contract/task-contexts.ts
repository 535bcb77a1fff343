import type {
  Logger,
  SinkRecord,
  SinkTaskContext,
  SourceOffset,
  SourcePartition,
  SourceRecord,
  SourceTaskContext,
} from '@sluice/sdk';

export interface LogLine {
  readonly level: keyof Logger;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** A logger that keeps what it is told, for assertions. */
export function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at =
    (level: keyof Logger) =>
    (message: string, fields?: Readonly<Record<string, unknown>>): void => {
      lines.push(fields === undefined ? { level, message } : { level, message, fields });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * Source offsets as the runtime keeps them, in memory: stored per partition only for records the
 * harness has "delivered" (here: handed back by poll and then committed by the suite).
 */
export class MemoryOffsetStore {
  private readonly offsets = new Map<string, SourceOffset>();

  get(partition: SourcePartition): SourceOffset | undefined {
    return this.offsets.get(JSON.stringify(partition));
  }

  /** Stores, per partition, the offset of the last of `records`. */
  commit(records: readonly SourceRecord[]): void {
    for (const record of records) this.offsets.set(JSON.stringify(record.sourcePartition), record.sourceOffset);
  }
}

export function sourceTaskContext(
  offsets: MemoryOffsetStore,
  signal: AbortSignal,
  logger = recordingLogger(),
): SourceTaskContext {
  return {
    connector: 'contract-test',
    taskId: 0,
    log: logger,
    signal,
    offsetOf: async (partition) => offsets.get(partition),
  };
}

export interface Report {
  readonly record: SinkRecord;
  readonly error: Error;
}

export function sinkTaskContext(reports: Report[], signal: AbortSignal, logger = recordingLogger()): SinkTaskContext {
  return {
    connector: 'contract-test',
    taskId: 0,
    log: logger,
    signal,
    report: async (record, error) => {
      reports.push({ record, error });
    },
  };
}
