import type { SinkRecord, SourceOffset, SourcePartition, SourceRecord } from './records.js';

/** Structured logging; the runtime adds connector and task to every line. */
export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** What the runtime gives every task. */
export interface TaskContext {
  readonly connector: string;
  readonly taskId: number;
  readonly log: Logger;
  /** Aborted when the task must stop (stop, pause, rebalance, shutdown). Pending work should end promptly. */
  readonly signal: AbortSignal;
}

export interface SourceTaskContext extends TaskContext {
  /** The last offset stored for `partition` (stored only after Kafka acknowledged it), if any. */
  offsetOf(partition: SourcePartition): Promise<SourceOffset | undefined>;
}

export interface SinkTaskContext extends TaskContext {
  /**
   * Reports a record the task cannot write (malformed, rejected by the target). The runtime
   * sends it to the dead-letter queue or fails the task, per `errors.tolerance`. Never drop a
   * record silently: report it.
   */
  report(record: SinkRecord, error: Error): Promise<void>;
}

/**
 * Reads from an external system. Lifecycle, all calls from one async flow, never concurrent:
 *
 * 1. `createTask(config, ctx)` — open connections; read `ctx.offsetOf(...)` to resume.
 * 2. `poll()` repeatedly. Returns the next records, or `[]` when there is nothing new. It may
 *    wait for data, but must return promptly (within about a second) once `ctx.signal` aborts.
 *    A thrown `RetriableError` is retried with backoff; any other error fails the task.
 * 3. `commit(records)` (optional) after Kafka acknowledged those records and their offsets were
 *    stored: the moment a source may acknowledge or delete data on its side.
 * 4. `close()` once, after the last poll: release every resource (handles, timers, sockets).
 *
 * `metrics()` (optional) may be called at any time between create and close, e.g. on a metrics
 * scrape: the task's own gauges (such as how far behind its source it is), cheap to read.
 */
export interface SourceTask {
  poll(): Promise<SourceRecord[]>;
  commit?(records: readonly SourceRecord[]): Promise<void>;
  close(): Promise<void>;
  metrics?(): Readonly<Record<string, number>>;
}

/**
 * Writes to an external system. Lifecycle, all calls from one async flow, never concurrent:
 *
 * 1. `createTask(config, ctx)` — open connections.
 * 2. `put(records)` with each batch in Kafka order per partition. May buffer. A thrown
 *    `RetriableError` makes the runtime retry the same batch with backoff (so `put` must be
 *    safe to repeat); any other error fails the task. Report bad records with `ctx.report`.
 * 3. `flush()` on the commit interval, on partition revocation and before stopping: resolve only
 *    when everything put so far is durable in the target. The runtime commits Kafka offsets
 *    only after flush resolves, so nothing unflushed is ever skipped after a crash. A thrown
 *    `RetriableError` makes the runtime call `flush()` again with backoff (so it must be safe to
 *    repeat); any other error fails the task. Records may be delivered again after a crash
 *    (at-least-once): writes should be idempotent.
 * 4. `close()` once, after the last flush: release every resource.
 *
 * `metrics()` (optional), as a source task's: the task's own gauges (such as documents waiting
 * to be retried), so an operator can see why a RUNNING task is slow.
 */
export interface SinkTask {
  put(records: readonly SinkRecord[]): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
  metrics?(): Readonly<Record<string, number>>;
}
