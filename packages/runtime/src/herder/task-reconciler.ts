import type { ResolvedConnectorConfig } from '../config/connector-config.js';
import type { TaskExecutor } from '../executor/task-executor.js';
import type { TargetState } from '../stores/config-store.js';

/** What a herder wants of one connector on this worker; undefined: nothing (deleted or not here). */
export interface DesiredConnector {
  /** Undefined when the config does not resolve: nothing may run. */
  readonly resolved: ResolvedConnectorConfig | undefined;
  readonly target: TargetState;
  /** The connector's tasks to run on this worker (distributed mode); undefined: all of them. */
  readonly tasks?: readonly number[];
}

/** Stop before start across workers (distributed mode); standalone has no one to hand over to. */
export interface TaskHandOverHooks {
  /** Resolves true once the task may start here, false to skip it (it is no longer this worker's). */
  mayStart(name: string, task: number): Promise<boolean>;
  /** Told once tasks stopped here (stopped, or abandoned at the stop timeout); awaited. */
  stopped(name: string, tasks: readonly number[]): Promise<void>;
}

const NO_HAND_OVER: TaskHandOverHooks = { mayStart: async () => true, stopped: async () => undefined };

/**
 * Brings each connector's tasks on this worker in line with what the herder wants, in the
 * background. Invariants: per connector, passes and restarts run one at a time in the order
 * they were asked for (a delete after a create stops what the create started); passes asked for
 * while one waits are coalesced into it; connectors never wait for each other. A pass reads the
 * desired state when it runs, so it always applies the newest change.
 */
export class TaskReconciler {
  private readonly chains = new Map<string, Promise<void>>();
  /** A pass queued but not yet started, per connector (what further requests join). */
  private readonly queued = new Map<string, Promise<void>>();
  /** The config the connector's running tasks were started with. */
  private readonly applied = new Map<string, ResolvedConnectorConfig>();

  constructor(
    private readonly executor: TaskExecutor,
    private readonly desired: (name: string) => DesiredConnector | undefined,
    /** Told of each task started, e.g. for the restart backoff. */
    private readonly onStarted: (name: string, task: number, resolved: ResolvedConnectorConfig) => void = () => {},
    private readonly handOver: TaskHandOverHooks = NO_HAND_OVER,
  ) {}

  /** Schedules a pass over the connector; resolves when it ran (errors are the tasks' states). */
  sync(name: string): Promise<void> {
    const waiting = this.queued.get(name);
    if (waiting) return waiting;
    const pass = this.enqueue(name, () => {
      this.queued.delete(name);
      return this.pass(name);
    });
    this.queued.set(name, pass);
    return pass;
  }

  /** Stops and starts the given tasks again (in order with every other change of the connector). */
  restart(name: string, tasks: readonly number[]): Promise<void> {
    return this.enqueue(name, async () => {
      const want = this.desired(name);
      const resolved = this.applied.get(name);
      if (!want?.resolved || want.target === 'STOPPED' || resolved !== want.resolved) return this.pass(name);
      for (const task of tasks) {
        if (want.tasks && !want.tasks.includes(task)) continue; // runs on another worker
        await this.executor.stopTask(name, task);
        await this.start(resolved, task, want.target === 'PAUSED');
      }
    });
  }

  /** Resolves once every change asked for so far has been applied to the connector's tasks. */
  settled(name: string): Promise<void> {
    return this.chains.get(name) ?? Promise.resolve();
  }

  /** Resolves once every connector's changes asked for so far have been applied. */
  async settledAll(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private enqueue(name: string, step: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(name) ?? Promise.resolve()).then(step);
    const chain = next.catch(() => undefined);
    this.chains.set(name, chain);
    void chain.then(() => {
      if (this.chains.get(name) === chain) this.chains.delete(name);
    });
    return next;
  }

  private async pass(name: string): Promise<void> {
    const want = this.desired(name);
    const running = this.applied.get(name);
    const runnable = want?.resolved !== undefined && want.target !== 'STOPPED';
    if (running && (!runnable || running !== want?.resolved)) {
      const stopping = this.executor.taskIds(name);
      await this.executor.stopConnector(name);
      this.applied.delete(name);
      await this.handOver.stopped(name, stopping);
    }
    if (!runnable || !want?.resolved) return;
    const resolved = want.resolved;
    const paused = want.target === 'PAUSED';
    const count = resolved.taskConfigs.length;
    const wanted = (want.tasks ?? resolved.taskConfigs.map((_, task) => task)).filter((task) => task < count);
    this.applied.set(name, resolved);
    const here = this.executor.taskIds(name);
    const unwanted = here.filter((task) => !wanted.includes(task));
    await Promise.all(unwanted.map((task) => this.executor.stopTask(name, task)));
    if (unwanted.length > 0) await this.handOver.stopped(name, unwanted);
    const missing = wanted.filter((task) => !here.includes(task));
    await Promise.all(
      missing.map(async (task) => {
        if (await this.handOver.mayStart(name, task)) await this.start(resolved, task, paused);
      }),
    );
    for (const task of here.filter((t) => wanted.includes(t))) {
      if (paused) await this.executor.pauseTask(name, task);
      else this.executor.resumeTask(name, task);
    }
  }

  private async start(resolved: ResolvedConnectorConfig, task: number, paused: boolean): Promise<void> {
    this.onStarted(resolved.name, task, resolved);
    await this.executor.startTask(resolved, task, paused);
  }
}
