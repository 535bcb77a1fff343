import type { SinkRecord, SourceOffset, SourcePartition, SourceRecord, TopicPartition } from './records.js';

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
  /**
   * Aborted once the runtime needs nothing more from the task but `close()`: when a stop's final
   * work is done (a source's last batch produced, its offsets stored and `commit()` returned; a
   * sink's last `flush()` and offset commit), just before `close()`; or earlier, whatever call is
   * in flight, when a stop outlasts the worker's shutdown timeout and the task is abandoned.
   * A stop request, a pause or a rebalance does not abort it. Pass it freely to the I/O and the
   * waits of `poll`, `commit`, `put` and `flush`: it never cuts short work the runtime still
   * waits for, and when it aborts, that work should end at once. `close()` runs with it aborted.
   */
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
  /**
   * Optional to call: tells the runtime these records are durable in the target now (e.g. their
   * bulk request was answered), for its delivery-latency histogram (Kafka timestamp → target
   * acknowledgement). It commits nothing and changes no guarantee: offsets still follow flush().
   * Cheap (no allocation); call it once per acknowledged batch. A runtime without it may omit it.
   */
  acknowledged?(records: readonly SinkRecord[]): void;
}

/**
 * Reads from an external system. Lifecycle, all calls from one async flow, never concurrent:
 *
 * 1. `createTask(config, ctx)` — open connections; read `ctx.offsetOf(...)` to resume. An error
 *    makes the task FAILED with its trace (restarted per `sluice.restart.policy`).
 * 2. `poll()`, again and again, never while the task is PAUSED. Returns the next records, or `[]`
 *    when there is nothing new. It may wait for data, but should return (`[]`) within about a
 *    second: the runtime sees a pause or a stop only between two polls, and a stop does not abort
 *    `ctx.signal` (`pause(ms, ctx.signal)` waits well). On a `RetriableError` the runtime calls
 *    `poll()` again after a backoff (100 ms doubling, at most 10 s, or `errors.retry.delay.max.ms`
 *    when lower), without limit, logging each retry; the task stays RUNNING and a pause or stop
 *    cuts the wait short (`errors.retry.timeout` does not apply, as in Connect). Any other error
 *    fails the task.
 * 3. Every record is checked before any of the batch goes on (see `SourceRecord`): a malformed
 *    one is a bug in the connector and fails the task, whatever `errors.tolerance` says, with an
 *    error naming its index and field (`poll() returned record 3 with no topic (field "topic")`);
 *    nothing of that batch reaches Kafka or the offset store.
 * 4. The runtime transforms and converts each record (a failure there follows `errors.tolerance`:
 *    the task fails, or the record is skipped, logged and dead-lettered), produces the batch
 *    (acks=all, idempotent), waits until Kafka acknowledged all of it, then stores, per source
 *    partition, the `sourceOffset` of its last record.
 * 5. `commit(records)` (optional), with every record that poll returned: they are in Kafka (or were
 *    skipped) and their offsets stored, the moment a source may acknowledge or delete data on its
 *    side. An error here is logged and the task goes on, as in Connect: nothing can be lost.
 *    Batches are pipelined (a few in flight): the next `poll()` may come before the `commit` of
 *    the batch before it; commits come in poll order, between polls, never during one.
 * 6. Stop: no `poll()` after the one in flight; that poll's batch goes through 3–5; then
 *    `ctx.signal` aborts; then `close()`, once: release every resource (handles, timers,
 *    sockets); an error there is logged. A FAILED task polls no more; when it is stopped or
 *    restarted, its signal aborts and `close()` is called. An abandoned stop (shutdown timeout)
 *    aborts the signal at once; what was not stored by then is read again (at-least-once).
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
 * Writes to an external system. Every call comes from the sink runner's one async flow, never
 * two at a time, in this order:
 *
 * 1. `createTask(config, ctx)` — open connections. No partition is assigned yet.
 * 2. `open(partitions)` (optional) — the consumer group assigned these partitions to the task;
 *    called before any of their records reaches `put`, and again on every later assignment with
 *    only the partitions added (assignment is cooperative: kept partitions are not reopened).
 * 3. `put(records)` — each batch in Kafka order per partition, records of open partitions only.
 *    May buffer. A thrown `RetriableError` makes the runtime call `put` again with the same
 *    batch after a backoff (100 ms doubling, at most 10 s, or `errors.retry.delay.max.ms` when
 *    lower), without limit (`errors.retry.timeout` does not apply) while the task stays RUNNING,
 *    so `put` must be safe to repeat. A revocation between two attempts is handled first; the
 *    retry then carries only the records of partitions the task still holds. Any other error
 *    fails the task. Report bad records with `ctx.report` (the dead-letter queue then gets the
 *    original Kafka message).
 * 4. `flush()` — on the commit interval, before partitions are revoked, and before stopping:
 *    resolve only when everything put so far is durable in the target. The runtime commits Kafka
 *    offsets only after flush resolves, so nothing unflushed is ever skipped after a crash. A
 *    thrown `RetriableError` makes the runtime call `flush()` again with the same backoff
 *    (without limit on the commit interval; within a bound on revocation and stop, after which
 *    the offsets stay uncommitted), so it must be safe to repeat; any other error fails the task.
 *    Records may be delivered again after a crash (at-least-once): writes should be idempotent.
 * 5. `closePartitions(partitions)` (optional) — these partitions leave the task: on a
 *    revocation after the flush and commit that cover their records; on a lost assignment (the
 *    group gave them away already) without a flush, their uncommitted records going to their new
 *    owner; on stop, for every partition still held, after the final flush and commit. Drop any
 *    state kept for them. (Kafka Connect's `SinkTask.close(partitions)`: `close()` below already
 *    means the end of the task.)
 * 6. `close()` once, last: release every resource.
 *
 * `ctx.signal` aborts once nothing but `close()` is left: after the final flush, commit and
 * `closePartitions`, just before `close()`; or earlier, whatever call is in flight, when the stop
 * runs out of time. A task may pass it to its I/O without failing its last flush. It does not
 * abort on pause or rebalance.
 *
 * `metrics()` (optional), as a source task's: the task's own gauges (such as documents waiting
 * to be retried), so an operator can see why a RUNNING task is slow.
 */
export interface SinkTask {
  open?(partitions: readonly TopicPartition[]): Promise<void>;
  put(records: readonly SinkRecord[]): Promise<void>;
  flush(): Promise<void>;
  closePartitions?(partitions: readonly TopicPartition[]): Promise<void>;
  close(): Promise<void>;
  metrics?(): Readonly<Record<string, number>>;
}
