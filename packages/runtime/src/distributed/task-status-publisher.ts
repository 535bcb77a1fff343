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
  /**
   * The hand-over flag (TaskHandOver): true or absent while the worker holds the task (it
   * claimed it before starting it, or runs it); false once it stopped it and let it go.
   */
  readonly held?: boolean;
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
 * never hides a newer owner's state; and per task and worker the latest row, for a reader that
 * knows which worker owns the task's slot (a task moved by a placement change runs on a worker
 * whose generation may be lower than its previous one's).
 */
export class TaskRows {
  private readonly rows = new Map<string, TaskRow>();
  private readonly byWorker = new Map<string, Map<string, TaskRow>>();

  constructor(table: KafkaTable<unknown>) {
    for (const [key, value] of table.entries()) this.apply(key, value);
    table.onChange((key, value) => this.apply(key, value));
  }

  get(connector: string, task: number): TaskRow | undefined {
    return this.rows.get(taskRowKey(connector, task));
  }

  /** The latest row the worker wrote for the task. */
  of(connector: string, task: number, worker: string): TaskRow | undefined {
    return this.byWorker.get(taskRowKey(connector, task))?.get(worker);
  }

  /** Each worker's latest row for the task. */
  allOf(connector: string, task: number): TaskRow[] {
    return [...(this.byWorker.get(taskRowKey(connector, task))?.values() ?? [])];
  }

  private apply(key: string, value: unknown): void {
    if (!key.startsWith('task-')) return;
    const row = value as TaskRow | undefined;
    const known = this.rows.get(key);
    if (row === undefined) {
      this.rows.delete(key);
      this.byWorker.delete(key);
      return;
    }
    if (!known || (row.generation ?? -1) >= (known.generation ?? -1)) this.rows.set(key, row);
    const workers = this.byWorker.get(key) ?? new Map<string, TaskRow>();
    workers.set(row.worker, row);
    this.byWorker.set(key, workers);
  }
}

export function taskRowKey(connector: string, task: number): string {
  return `task-${connector}-${task}`;
}

const PUBLISH_MS = 500;

/** A task of a connector (as the hand-over names them). */
export interface TaskId {
  readonly connector: string;
  readonly task: number;
}

/**
 * Publishes the states of this worker's tasks to the status topic (`task-<connector>-<task>`),
 * so any worker can answer a status request for the whole cluster. Only changes are written,
 * plus a row whose latest record in the topic is not this worker's (a stale worker's late
 * write, which compaction would otherwise keep). Each row carries this worker's generation;
 * readers keep the highest (TaskRows) and trust a row only while its worker owns the task's
 * slot, so a dead or stale worker's rows are never served as current.
 *
 * It also writes the hand-over rows (`held`, TaskHandOver): a claim before a task starts, a
 * release once it stopped, and once, before anything else, a release of every row that names
 * this worker for a task it does not run (left by its previous process, e.g. one killed).
 * Invariant: every write goes through one chain, so a task's rows reach the topic in the
 * order this worker saw its states (a release is never overtaken by an earlier RUNNING).
 */
export class TaskStatusPublisher {
  private readonly published = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private swept = false;

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
    return this.enqueue(() => this.write()).catch(() => undefined);
  }

  /** Writes that this worker holds the tasks (before it starts them); resolves once read back. */
  claim(tasks: readonly TaskId[]): Promise<void> {
    return this.enqueue(() => this.writeHeld(tasks, true));
  }

  /** Writes that this worker let the tasks go (once they stopped); resolves once read back. */
  release(tasks: readonly TaskId[]): Promise<void> {
    return this.enqueue(() => this.writeHeld(tasks, false));
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.writing.then(async () => {
      await this.sweep();
      await step();
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async writeHeld(tasks: readonly TaskId[], held: boolean): Promise<void> {
    const generation = this.generation();
    if (generation === undefined || tasks.length === 0) return;
    const rows = tasks.map(({ connector, task }): [string, TaskRow] => {
      const key = taskRowKey(connector, task);
      this.published.delete(key); // the next state this worker runs it in is written again
      return [key, { state: 'UNASSIGNED', worker: this.workerId, generation, at: Date.now(), held }];
    });
    await this.table.write(rows);
  }

  /** Once: releases the rows that name this worker for tasks it does not run (its previous process's). */
  private async sweep(): Promise<void> {
    if (this.swept || this.generation() === undefined) return;
    const here = new Set(this.executor.running().map(({ connector, task }) => taskRowKey(connector, task)));
    const stale = this.table.entries().filter(([key, value]) => {
      const row = value as TaskRow | undefined;
      return key.startsWith('task-') && row?.worker === this.workerId && row.held !== false && !here.has(key);
    });
    const generation = this.generation() as number;
    const rows = stale.map(([key, value]): [string, TaskRow] => [
      key,
      { ...(value as TaskRow), state: 'UNASSIGNED', generation, at: Date.now(), held: false },
    ]);
    await this.table.write(rows);
    this.swept = true;
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
