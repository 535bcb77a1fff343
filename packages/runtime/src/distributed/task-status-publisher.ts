import type { TaskExecutor } from '../executor/task-executor.js';
import type { TaskState } from '../task-status.js';
import type { KafkaTable } from './kafka-table.js';

/** A task's state in the status topic, as the worker running it last wrote it. */
export interface TaskRow {
  readonly state: TaskState;
  readonly trace?: string;
  /** The worker id (host:port) that runs it. */
  readonly worker: string;
  /**
   * The writer's generation: the offset of its own worker record (status partition 0, where
   * every worker record goes) when it wrote the row. A worker rewrites its record on every slot
   * change, after the worker it took slots from wrote its own, so a newer owner's rows always
   * carry a higher generation than a stale one's.
   */
  readonly generation: number;
  readonly at: number;
}

/** The status topic's partition for worker records: one partition, so their offsets order them. */
export const WORKER_RECORDS_PARTITION = 0;

/** Where a status row goes: worker records to WORKER_RECORDS_PARTITION, the rest by key hash. */
export function statusPartition(key: string): number | undefined {
  return key.startsWith('worker-') ? WORKER_RECORDS_PARTITION : undefined;
}

/**
 * The task rows of the status topic as readers must see them: per task the row with the
 * highest generation, whatever order the rows were read in, so a stale worker's late write
 * never hides a newer owner's state.
 */
export class TaskRows {
  private readonly rows = new Map<string, TaskRow>();

  constructor(table: KafkaTable<unknown>) {
    for (const [key, value] of table.entries()) this.apply(key, value);
    table.onChange((key, value) => this.apply(key, value));
  }

  get(connector: string, task: number): TaskRow | undefined {
    return this.rows.get(taskRowKey(connector, task));
  }

  private apply(key: string, value: unknown): void {
    if (!key.startsWith('task-')) return;
    const row = value as TaskRow | undefined;
    const known = this.rows.get(key);
    if (row === undefined) this.rows.delete(key);
    else if (!known || (row.generation ?? -1) >= (known.generation ?? -1)) this.rows.set(key, row);
  }
}

export function taskRowKey(connector: string, task: number): string {
  return `task-${connector}-${task}`;
}

const PUBLISH_MS = 500;

/**
 * Publishes the states of this worker's tasks to the status topic (`task-<connector>-<task>`),
 * so any worker can answer a status request for the whole cluster. Only changes are written,
 * plus a row whose latest record in the topic is not this worker's (a stale worker's late
 * write, which compaction would otherwise keep). Each row carries this worker's generation;
 * readers keep the highest (TaskRows) and trust a row only while its worker owns the task's
 * slot, so a dead or stale worker's rows are never served as current.
 */
export class TaskStatusPublisher {
  private readonly published = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly table: KafkaTable<unknown>,
    private readonly workerId: string,
    private readonly executor: TaskExecutor,
    /** This worker's generation now; undefined until its worker record was read back. */
    private readonly generation: () => number | undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), PUBLISH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Writes every state that changed since the last write; resolves once written. */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.write()).catch(() => undefined);
    return this.writing;
  }

  private async write(): Promise<void> {
    const generation = this.generation();
    if (generation === undefined) return;
    const rows: [string, TaskRow][] = [];
    const here = new Set<string>();
    for (const { connector, task, status } of this.executor.running()) {
      const key = taskRowKey(connector, task);
      here.add(key);
      const row: TaskRow = {
        state: status.state,
        worker: this.workerId,
        generation,
        at: Date.now(),
        ...(status.trace === undefined ? {} : { trace: status.trace }),
      };
      const fingerprint = `${row.state}\u0000${row.trace ?? ''}\u0000${generation}`;
      const latest = this.table.get(key) as TaskRow | undefined;
      const ours = latest?.worker === this.workerId && latest.generation === generation;
      if (this.published.get(key) === fingerprint && ours) continue;
      this.published.set(key, fingerprint);
      rows.push([key, row]);
    }
    // a task that left this worker is another's to publish; if it comes back, publish it again
    for (const key of [...this.published.keys()]) if (!here.has(key)) this.published.delete(key);
    await this.table.write(rows);
  }
}
