import type { TaskExecutor } from '../executor/task-executor.js';
import type { TaskState } from '../task-status.js';
import type { KafkaTable } from './kafka-table.js';

/** A task's state in the status topic, as the worker running it last wrote it. */
export interface TaskRow {
  readonly state: TaskState;
  readonly trace?: string;
  /** The worker id (host:port) that runs it. */
  readonly worker: string;
  readonly at: number;
}

const PUBLISH_MS = 500;

/**
 * Publishes the states of this worker's tasks to the status topic (`task-<connector>-<task>`),
 * so any worker can answer a status request for the whole cluster. Only changes are written;
 * readers trust a row only while its worker owns the task's slot, so a dead worker's rows are
 * never served as current.
 */
export class TaskStatusPublisher {
  private readonly published = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly table: KafkaTable<unknown>,
    private readonly workerId: string,
    private readonly executor: TaskExecutor,
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
    const rows: [string, TaskRow][] = [];
    const here = new Set<string>();
    for (const { connector, task, status } of this.executor.running()) {
      const key = `task-${connector}-${task}`;
      here.add(key);
      const row: TaskRow = {
        state: status.state,
        worker: this.workerId,
        at: Date.now(),
        ...(status.trace === undefined ? {} : { trace: status.trace }),
      };
      const fingerprint = `${row.state}\u0000${row.trace ?? ''}`;
      if (this.published.get(key) === fingerprint) continue;
      this.published.set(key, fingerprint);
      rows.push([key, row]);
    }
    // a task that left this worker is another's to publish; if it comes back, publish it again
    for (const key of [...this.published.keys()]) if (!here.has(key)) this.published.delete(key);
    await this.table.write(rows);
  }
}
