import type { Logger } from '@sluice/sdk';
import type { ResolvedConnectorConfig } from '../config/connector-config.js';
import type { KafkaClientSettings } from '../kafka/client-config.js';
import { SinkTaskRunner } from '../sink/sink-task-runner.js';
import { SourceTaskRunner } from '../source/source-task-runner.js';
import type { OffsetStore } from '../stores/offset-store.js';
import type { TaskMetricsEntry } from '../herder/herder.js';
import { scrubbingLogger, secretScrubber } from '../herder/secret-scrubber.js';
import type { TaskStatus } from '../task-status.js';

export interface TaskExecutorOptions {
  readonly kafka: KafkaClientSettings;
  /** Where source tasks keep their offsets. */
  readonly offsets: OffsetStore;
  /** A logger for a connector's task (or the worker when connector is 'worker'). */
  readonly log: (connector: string, task?: number) => Logger;
  readonly commitIntervalMs?: number;
  /** The worker's identity across restarts: sink tasks become static group members (SinkRunnerOptions.memberIdentity). */
  readonly memberIdentity?: string;
  /** Longest a task's graceful stop is awaited before it is abandoned (Connect: task.shutdown.graceful.timeout.ms). */
  readonly stopTimeoutMs?: number;
  /** Told when a task fails (after its status says FAILED). */
  readonly onTaskFailed?: (connector: string, task: number) => void;
  /** Told the topics a task's batch went to or came from (Connect's active topics). */
  readonly onTopics?: (connector: string, topics: readonly string[]) => void;
}

type Runner = SourceTaskRunner | SinkTaskRunner;

/** A runner and its start in progress (a stop waits for the start, so nothing starts after it stopped). */
interface Entry {
  readonly runner: Runner;
  readonly started: Promise<void>;
}

/**
 * Starts, stops, pauses and resumes single tasks keyed by connector name and task id (Kafka
 * Connect's Worker). It knows nothing of where configs come from or what state a connector
 * should be in: a herder tells it. Invariants: at most one runner per (connector, task); a
 * runner leaves the map only once its stop was awaited or abandoned after `stopTimeoutMs`.
 */
export class TaskExecutor {
  private readonly runners = new Map<string, Map<number, Entry>>();
  /** Stops that outlasted the timeout, still finishing in the background, by connector. */
  private readonly abandoned = new Map<string, Set<Promise<unknown>>>();

  constructor(private readonly options: TaskExecutorOptions) {}

  /** Starts task `task` of the connector (paused when `paused`); a task that cannot start shows FAILED. */
  async startTask(resolved: ResolvedConnectorConfig, task: number, paused: boolean): Promise<void> {
    const tasks = this.runners.get(resolved.name) ?? new Map<number, Entry>();
    if (tasks.has(task)) throw new Error(`task ${resolved.name}-${task} is already running`);
    const runner = this.createRunner(resolved, task);
    const started = (async () => {
      if (paused) await runner.pause();
      try {
        await runner.start();
      } catch (error) {
        // a start failure is the task's problem: FAILED with its trace, never the worker's
        runner.fail(error);
      }
    })();
    tasks.set(task, { runner, started });
    this.runners.set(resolved.name, tasks);
    await started;
  }

  /** Stops one task gracefully (flush, commit, close), waiting at most the stop timeout. */
  async stopTask(connector: string, task: number): Promise<void> {
    const entry = this.runners.get(connector)?.get(task);
    if (!entry) return;
    await this.awaitStop(connector, task, entry);
    const tasks = this.runners.get(connector);
    tasks?.delete(task);
    if (tasks?.size === 0) this.runners.delete(connector);
  }

  /** Stops every task of a connector, in parallel. */
  async stopConnector(connector: string): Promise<void> {
    await Promise.all(this.taskIds(connector).map((task) => this.stopTask(connector, task)));
  }

  async pauseTask(connector: string, task: number): Promise<void> {
    await this.runners.get(connector)?.get(task)?.runner.pause();
  }

  resumeTask(connector: string, task: number): void {
    this.runners.get(connector)?.get(task)?.runner.resume();
  }

  /** Ids of the connector's tasks running here, ascending. */
  taskIds(connector: string): number[] {
    return [...(this.runners.get(connector)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /** Every task on this executor and its state. */
  running(): { connector: string; task: number; status: TaskStatus }[] {
    return [...this.runners.entries()].flatMap(([connector, tasks]) =>
      [...tasks.entries()].map(([task, { runner }]) => ({ connector, task, status: runner.status })),
    );
  }

  status(connector: string, task: number): TaskStatus | undefined {
    return this.runners.get(connector)?.get(task)?.runner.status;
  }

  metrics(): TaskMetricsEntry[] {
    return [...this.runners.entries()].flatMap(([connector, tasks]) =>
      [...tasks.entries()].flatMap(([task, { runner }]) => {
        try {
          const type = runner instanceof SourceTaskRunner ? ('source' as const) : ('sink' as const);
          return [{ connector, task, type, metrics: runner.metricsSnapshot() }];
        } catch {
          return []; // a task still connecting has no figures yet
        }
      }),
    );
  }

  /** Stops every task in parallel, each bounded by `timeoutMs`. */
  async shutdown(timeoutMs: number): Promise<void> {
    const all = [...this.runners.entries()].flatMap(([connector, tasks]) =>
      [...tasks.entries()].map(([task, entry]) => this.awaitStop(connector, task, entry, timeoutMs)),
    );
    await Promise.all(all);
    this.runners.clear();
  }

  private async awaitStop(connector: string, task: number, entry: Entry, timeoutMs?: number): Promise<void> {
    const { runner } = entry;
    const limit = timeoutMs ?? this.options.stopTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const stopped = entry.started
      .then(() => runner.stop())
      .then(
        () => true,
        (error: unknown) => {
          this.options.log(connector, task).error('task did not stop cleanly', { error: (error as Error).message });
          return true;
        },
      );
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), limit);
    });
    const clean = await Promise.race([stopped, timedOut]);
    clearTimeout(timer);
    if (!clean) {
      this.options.log(connector, task).warn('task did not stop in time; abandoned', { timeoutMs: limit });
      runner.abandon();
      this.trackAbandoned(connector, stopped);
    }
  }

  /**
   * Resolves once every abandoned task of the connector has finished its stop (its clients
   * closed, its last commit made), or after `timeoutMs`: an offsets change must not race one.
   */
  async abandonedClosed(connector: string, timeoutMs = 15_000): Promise<void> {
    const pending = [...(this.abandoned.get(connector) ?? [])];
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(pending), bound]);
    clearTimeout(timer);
  }

  private trackAbandoned(connector: string, stopped: Promise<unknown>): void {
    const set = this.abandoned.get(connector) ?? new Set<Promise<unknown>>();
    this.abandoned.set(connector, set);
    set.add(stopped);
    void stopped.finally(() => {
      set.delete(stopped);
      if (set.size === 0 && this.abandoned.get(connector) === set) this.abandoned.delete(connector);
    });
  }

  private createRunner(resolved: ResolvedConnectorConfig, taskId: number): Runner {
    const { options } = this;
    const common = {
      onFailed: () => options.onTaskFailed?.(resolved.name, taskId),
      onTopics: (topics: readonly string[]) => options.onTopics?.(resolved.name, topics),
      connectorName: resolved.name,
      taskId,
      config: resolved.effectiveConfig,
      framework: resolved.framework,
      taskConfig: resolved.taskConfigs[taskId] ?? {},
      kafka: { ...options.kafka, 'client.id': `${resolved.name}-${taskId}` },
      log: scrubbingLogger(options.log(resolved.name, taskId), secretScrubber(resolved)),
    };
    if (resolved.connector.kind === 'source') {
      return new SourceTaskRunner({ ...common, connector: resolved.connector, offsets: options.offsets });
    }
    return new SinkTaskRunner({
      ...common,
      connector: resolved.connector,
      topics: resolved.topics,
      ...(options.commitIntervalMs === undefined ? {} : { commitIntervalMs: options.commitIntervalMs }),
      ...(options.memberIdentity === undefined ? {} : { memberIdentity: options.memberIdentity }),
    });
  }
}
