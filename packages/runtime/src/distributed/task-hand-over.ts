import type { Logger } from '@sluice/sdk';
import type { KafkaTable } from './kafka-table.js';
import type { TaskId, TaskRow, TaskStatusPublisher } from './task-status-publisher.js';

export interface TaskHandOverOptions {
  /** The status table (caught up before a start is decided). */
  readonly status: KafkaTable<unknown>;
  /**
   * The task's rows that may name its holder: its latest record in the topic, and the one with
   * the highest generation (TaskRows). A zombie's late release can be the latest record while a
   * newer owner holds the task, and a newer owner can write under a lower generation than the
   * previous holder's; either row naming another live holder makes a start wait. Also each
   * worker's latest row of the task: a rival's claim that an own later claim hides as the latest.
   */
  readonly rowsOf: (task: TaskId) => readonly (TaskRow | undefined)[];
  readonly publisher: TaskStatusPublisher;
  readonly workerId: string;
  /** The workers that own at least one slot now (a worker gone from the group holds nothing). */
  readonly liveWorkers: () => ReadonlySet<string>;
  /** Whether the task is still placed on a slot this worker owns. */
  readonly stillHere: (task: TaskId) => boolean;
  /** This worker's generation; undefined until its worker record was read back (nothing is claimed before). */
  readonly generation: () => number | undefined;
  /** Longest a start waits for the previous worker to let go; then it starts all the same (logged). */
  readonly boundMs: number;
  readonly log: Logger;
}

const POLL_MS = 100;

/**
 * Stop before start across workers: a task that comes to this worker (a placement change, or
 * a slot gained) starts only once no other live worker holds it. A worker writes a claim row
 * (`held: true`) before it starts a task and a release row (`held: false`) once the task has
 * stopped (its offsets stored and its sink commits made); the task's latest row then says who
 * holds it. The previous holder counts as gone once it owns no slot (it left the group, or it
 * died and its slots have new owners), and past `boundMs` a start goes ahead regardless.
 *
 * Two workers claiming at once (a task moved twice within one claim write) are ordered by the
 * task's partition: each checks again once its claim is read back, and the later claimer sees
 * the earlier one's claim and waits, until one of them finds the task placed elsewhere and
 * releases it (or the bound passes, logged).
 *
 * Invariant: a start is claimed (written and read back) before it happens, and no other live
 * worker's claim read before that was still held, so a later reader of the status topic sees
 * this worker as the holder until it wrote its release.
 */
export class TaskHandOver {
  constructor(private readonly options: TaskHandOverOptions) {}

  /** Longest a start waits for the task's holder. */
  get boundMs(): number {
    return this.options.boundMs;
  }

  /**
   * Resolves true once the task may start here (claimed by this worker), false when it was
   * placed elsewhere meanwhile (nothing claimed). Waits at most the bound for a holder to let go.
   */
  async mayStart(task: TaskId): Promise<boolean> {
    const { options } = this;
    const started = Date.now();
    await options.status.catchUp().catch(() => undefined); // every claim written before this one is seen
    const holder = await this.untilFree(task, started);
    if (!options.stillHere(task)) return false;
    const fields = { connector: task.connector, task: task.task, waitedMs: Date.now() - started };
    if (holder !== undefined) options.log.warn('starting a task its holder did not hand over', { ...fields, holder });
    else if (fields.waitedMs >= POLL_MS) options.log.info('task handed over', fields);
    else options.log.debug('task free to start', fields);
    await options.publisher.claim([task]).catch((error: unknown) => {
      options.log.warn('could not write a task claim', { ...fields, error: (error as Error).message });
    });
    // a claim is no compare-and-set: a worker that claimed it between our read and our write
    // (the task moved twice) is read back before our claim; the one of us it was not placed on lets go
    const rival = await this.untilFree(task, started);
    if (!options.stillHere(task)) {
      await this.stopped([task]); // placed elsewhere while claiming: let it go again
      return false;
    }
    if (rival !== undefined && rival !== holder)
      options.log.warn('starting a task another worker claimed too', { ...fields, rival });
    options.log.debug('task claimed', { connector: task.connector, task: task.task });
    return true;
  }

  /** Tells the cluster these tasks stopped here; resolves once written (or failed, logged). */
  async stopped(tasks: readonly TaskId[]): Promise<void> {
    await this.options.publisher.release(tasks).catch((error: unknown) => {
      this.options.log.warn('could not write a task release', { tasks: tasks.length, error: (error as Error).message });
    });
  }

  /**
   * Waits while another live worker holds the task (or this worker's generation is unknown),
   * at most until the bound counted from `started` or until the task is placed elsewhere;
   * resolves with the holder still seen, if any.
   */
  private async untilFree(task: TaskId, started: number): Promise<string | undefined> {
    const { options } = this;
    let holder = this.holder(task);
    if (holder !== undefined) options.log.debug('waiting for the holder', { ...task, holder });
    while ((holder !== undefined || options.generation() === undefined) && Date.now() - started < options.boundMs) {
      if (!options.stillHere(task)) return holder;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      holder = this.holder(task);
    }
    return holder;
  }

  /** Another live worker that a row of the task names as holding it, or undefined. */
  private holder(task: TaskId): string | undefined {
    const live = this.options.liveWorkers();
    const holding = this.options
      .rowsOf(task)
      .find((row) => row && row.worker !== this.options.workerId && row.held !== false && live.has(row.worker));
    return holding?.worker;
  }
}
