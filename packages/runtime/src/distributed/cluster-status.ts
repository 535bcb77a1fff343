import type { Logger } from '@sluice/sdk';
import type { TaskExecutor } from '../executor/task-executor.js';
import type { TaskView } from '../herder/connector-views.js';
import type { KafkaClientSettings } from '../kafka/client-config.js';
import type { WorkerRecord } from './cluster-view.js';
import { slotOwners, workerRecordsOf } from './cluster-view.js';
import { KafkaTable } from './kafka-table.js';
import { TaskHandOver } from './task-hand-over.js';
import type { TaskId, TaskRow } from './task-status-publisher.js';
import { TaskRows, TaskStatusPublisher, statusPartition, taskRowKey } from './task-status-publisher.js';

export interface ClusterStatusOptions {
  readonly kafka: KafkaClientSettings;
  readonly topic: string;
  readonly workerId: string;
  readonly executor: TaskExecutor;
  /** Whether a task is still placed on a slot this worker owns (the hand-over asks while it waits). */
  readonly stillHere: (task: TaskId) => boolean;
  /** Longest a start waits for the task's previous holder (TaskHandOver). */
  readonly handOverBoundMs: number;
  readonly log: Logger;
}

/**
 * The status topic as one worker sees and writes it: every worker's record (URL, slots), the
 * task rows (TaskRows: highest generation wins), this worker's task states (the publisher),
 * and the hand-over of tasks between workers built on those rows.
 *
 * Invariant: this worker's generation is the offset of its own worker record, undefined until
 * that record was read back; no task row is written before.
 */
export class ClusterStatus {
  readonly table: KafkaTable<unknown>;
  readonly rows: TaskRows;
  readonly handOver: TaskHandOver;
  private readonly publisher: TaskStatusPublisher;

  constructor(private readonly options: ClusterStatusOptions) {
    this.table = new KafkaTable<unknown>(options.kafka, options.topic, statusPartition);
    this.rows = new TaskRows(this.table);
    this.publisher = new TaskStatusPublisher(this.table, options.workerId, options.executor, () => this.generation());
    this.handOver = new TaskHandOver({
      status: this.table,
      rowsOf: ({ connector, task }) => [
        this.table.get(taskRowKey(connector, task)) as TaskRow | undefined,
        this.rows.get(connector, task),
        ...this.rows.allOf(connector, task),
      ],
      publisher: this.publisher,
      workerId: options.workerId,
      liveWorkers: () => new Set(slotOwners(this.workerRecords()).values()),
      stillHere: options.stillHere,
      generation: () => this.generation(),
      boundMs: options.handOverBoundMs,
      log: options.log,
    });
  }

  /** Reads the topic to its end (start the publisher separately, once membership runs). */
  start(): Promise<void> {
    return this.table.start();
  }

  startPublishing(): void {
    this.publisher.start();
  }

  stopPublishing(): void {
    this.publisher.stop();
  }

  /** Writes the last task states, then closes the topic. */
  async stop(): Promise<void> {
    await this.publisher.flush();
    await this.table.stop();
  }

  workerRecords(): Map<string, WorkerRecord> {
    return workerRecordsOf(this.table.entries());
  }

  /** Writes this worker's record (failures are retried by the next slot change). */
  async publishWorker(record: WorkerRecord): Promise<void> {
    await this.table.write([[`worker-${this.options.workerId}`, record]]).catch(() => undefined);
  }

  /**
   * A task's state as the owner of its slot last wrote it (another worker's row is stale: dead
   * or moved), undefined when the owner wrote none yet.
   */
  taskView(connector: string, task: number, slot: number | undefined): TaskView | undefined {
    const owner = slot === undefined ? undefined : slotOwners(this.workerRecords()).get(slot);
    const row = owner === undefined ? undefined : this.rows.of(connector, task, owner);
    if (!row) return undefined;
    return { state: row.state, workerId: row.worker, ...(row.trace === undefined ? {} : { trace: row.trace }) };
  }

  /** Whether a live worker other than this one holds a task of the connector (its latest row says so). */
  heldElsewhere(connector: string): boolean {
    const live = new Set(slotOwners(this.workerRecords()).values());
    const prefix = `task-${connector}-`;
    return this.table.entries().some(([key, value]) => {
      const row = value as TaskRow | undefined;
      if (!key.startsWith(prefix) || !/^\d+$/.test(key.slice(prefix.length)) || !row) return false;
      return row.worker !== this.options.workerId && row.held !== false && live.has(row.worker);
    });
  }

  /** Resolves once no other live worker holds a task of the connector, or after `boundMs`. */
  async untilReleasedElsewhere(connector: string, boundMs: number): Promise<void> {
    const deadline = Date.now() + boundMs;
    await this.table.catchUp().catch(() => undefined);
    while (this.heldElsewhere(connector) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }

  private generation(): number | undefined {
    return this.table.offsetOf(`worker-${this.options.workerId}`);
  }
}
