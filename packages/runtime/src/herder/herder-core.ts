import type { Logger } from '@sluice/sdk';
import type { ConnectorCatalog } from '../config/connector-catalog.js';
import type { ResolvedConnectorConfig } from '../config/connector-config.js';
import type { OverridePolicy } from '../config/client-overrides.js';
import { TaskExecutor } from '../executor/task-executor.js';
import type { KafkaClientSettings } from '../kafka/client-config.js';
import type { ConfigStore, TargetState } from '../stores/config-store.js';
import type { AdministeredOffsetStore } from '../stores/offset-store.js';
import { traceOf } from '../task-status.js';
import { ActiveTopics } from './active-topics.js';
import { ChangeQueue } from './change-queue.js';
import type { ConnectorRecord, TaskView } from './connector-views.js';
import { retargeted } from './connector-views.js';
import { FailureRestarts } from './failure-restarts.js';
import { HerderCatalog } from './herder-catalog.js';
import { ConnectorNotFoundError, HerderStoppingError } from './herder-errors.js';
import { TaskReconciler } from './task-reconciler.js';

export interface HerderOptions {
  readonly catalog: ConnectorCatalog;
  /** Finds the plugins again, for reloadPlugins (the worker's plugin loader); without it the catalog is fixed. */
  readonly reloadCatalog?: () => ConnectorCatalog;
  readonly kafka: KafkaClientSettings;
  readonly configs: ConfigStore;
  readonly offsets: AdministeredOffsetStore;
  /** A logger for a connector's task (or the connector itself when task is undefined). */
  readonly log: (connector: string, task?: number) => Logger;
  /** host:port this worker is reached at, reported as worker_id. */
  readonly workerId: string;
  readonly commitIntervalMs?: number;
  /** The worker's identity across restarts: its sink tasks become static group members. */
  readonly memberIdentity?: string;
  /** Longest one task's graceful stop is awaited on a change (default 5 s, as Connect). */
  readonly taskStopTimeoutMs?: number;
  /** Which client overrides a connector may set (Connect's connector.client.config.override.policy; default All). */
  readonly clientOverridePolicy?: OverridePolicy;
}

/**
 * The engine under both herders (mode-neutral): connector records resolved from a ConfigStore,
 * the change queue, the task executor and its reconciler, on-failure restarts and active topics.
 * A mode says which of a connector's tasks run here (`tasksHere`), may refuse a change
 * (`change`), and hears of stored changes (`afterChange`); BaseHerder adds the Herder methods.
 *
 * Invariants: every change runs in one queue, checked against the state the changes before it
 * left; a change is stored before it is applied (a crash replays the operator's intent) and
 * applied in the background, so a slow task never holds up an answer; a stored config that no
 * longer resolves is that connector's FAILED state, never the worker's failure.
 */
export abstract class HerderCore {
  readonly workerId: string;
  protected readonly records = new Map<string, ConnectorRecord>();
  protected readonly topics = new ActiveTopics((name) => this.records.has(name));
  private readonly changes = new ChangeQueue();
  protected readonly executor: TaskExecutor;
  protected readonly reconciler: TaskReconciler;
  protected readonly restarts: FailureRestarts;
  protected readonly catalog: HerderCatalog;
  private stopping = false;
  private ready = false;
  private loaded = false;

  constructor(protected readonly options: HerderOptions) {
    this.workerId = options.workerId;
    this.catalog = new HerderCatalog(options.catalog, options.reloadCatalog, options.clientOverridePolicy);
    this.executor = new TaskExecutor({
      kafka: options.kafka,
      offsets: options.offsets,
      log: options.log,
      ...(options.commitIntervalMs === undefined ? {} : { commitIntervalMs: options.commitIntervalMs }),
      ...(options.taskStopTimeoutMs === undefined ? {} : { stopTimeoutMs: options.taskStopTimeoutMs }),
      ...(options.memberIdentity === undefined ? {} : { memberIdentity: options.memberIdentity }),
      onTaskFailed: (connector, task) => this.taskFailed(connector, task),
      onTopics: (connector, topics) => this.topics.note(connector, topics),
    });
    this.restarts = new FailureRestarts((connector, task) => options.log(connector, task));
    this.reconciler = new TaskReconciler(
      this.executor,
      (name) => this.desired(name),
      (name, task, resolved) => this.restarts.started(name, task, resolved.restartPolicy),
      {
        mayStart: (name, task) => this.mayStart?.(name, task) ?? Promise.resolve(true),
        stopped: (name, tasks) => this.tasksStopped?.(name, tasks) ?? Promise.resolve(),
      },
    );
  }

  async start(): Promise<void> {
    const passes: Promise<void>[] = [];
    for (const [name, stored] of await this.options.configs.load()) {
      const record = this.recordOf(name, stored.config, stored.target);
      if (record.failure !== undefined) {
        this.options.log(name).error('stored connector cannot start', { reason: record.failure.split('\n')[0] });
      }
      this.records.set(name, record);
      passes.push(this.reconciler.sync(name));
    }
    this.loaded = true;
    void Promise.allSettled(passes).then(() => (this.ready = true));
  }

  isReady(): boolean {
    return this.ready;
  }

  hasLoaded(): boolean {
    return this.loaded;
  }

  async stop(timeoutMs = 30_000): Promise<void> {
    this.stopping = true;
    this.restarts.forgetAll();
    await this.changes.run(async () => undefined);
    // changes already applying finish first (bounded), so no task starts after the shutdown
    const applied = this.reconciler.settledAll();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([applied, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    await this.executor.shutdown(timeoutMs);
  }

  connectors(): string[] {
    return [...this.records.keys()].sort();
  }

  /** Resolves once every change so far has been applied to the connector's tasks (for tests and tools). */
  async settled(name?: string): Promise<void> {
    await this.changes.run(async () => undefined);
    const names = name === undefined ? this.connectors() : [name];
    await Promise.all(names.map((n) => this.reconciler.settled(n)));
  }

  /** Runs a change in the queue; a mode may refuse it first (e.g. a worker that is not the leader). */
  protected change<T>(run: () => Promise<T>): Promise<T> {
    if (this.stopping) return Promise.reject(new HerderStoppingError());
    return this.changes.run(run);
  }

  /** Runs a change of this worker alone in the queue: no mode refuses it (e.g. a plugin reload). */
  protected localChange<T>(run: () => Promise<T>): Promise<T> {
    if (this.stopping) return Promise.reject(new HerderStoppingError());
    return this.changes.run(run);
  }

  /** Which of the connector's tasks run on this worker; absent or undefined: all (standalone). */
  protected tasksHere?(name: string): readonly number[] | undefined;

  /** Whether a task may start here now (distributed: once its previous worker let it go); absent: yes. */
  protected mayStart?(name: string, task: number): Promise<boolean>;

  /** Told once tasks stopped here (distributed: their release is written). */
  protected tasksStopped?(name: string, tasks: readonly number[]): Promise<void>;

  /** Whether another worker still runs one of the connector's tasks (distributed); standalone: never. */
  protected runsElsewhere?(name: string): boolean;

  /** Resolves once no other worker runs the connector's tasks, or after a bound (distributed). */
  protected stoppedElsewhere?(name: string): Promise<void>;

  /** Told of each change once it is stored (the distributed leader places tasks then). */
  protected afterChange?(name: string): Promise<void>;

  /** Restarts tasks wherever they run (here: on this worker's executor, in order with the connector's other changes). */
  protected restartTasks(name: string, tasks: readonly number[]): Promise<void> {
    return this.reconciler.restart(name, tasks);
  }

  /** A task's state: from the executor when it runs here; a mode may know more (another worker's). */
  protected taskState(name: string, task: number): TaskView | undefined {
    const status = this.executor.status(name, task);
    return status && { ...status, workerId: this.workerId };
  }

  private desired(name: string) {
    const record = this.records.get(name);
    if (!record) return undefined;
    const tasks = record.idle === true ? [] : this.tasksHere?.(name);
    return tasks === undefined ? record : { ...record, tasks };
  }

  /** Stores a validated config with its target, then has the tasks follow. */
  protected async install(resolved: ResolvedConnectorConfig, target: TargetState): Promise<void> {
    await this.options.configs.put(resolved.name, { config: resolved.config, target });
    for (const { field, reason } of resolved.warnings)
      this.options.log(resolved.name).warn('connector config stored with a warning', { key: field, reason });
    this.records.set(resolved.name, {
      name: resolved.name,
      config: resolved.config,
      target,
      resolved,
      failure: undefined,
      idle: this.records.get(resolved.name)?.idle ?? (!this.records.has(resolved.name) && target === 'PAUSED'),
    });
    await this.afterChange?.(resolved.name);
    void this.reconciler.sync(resolved.name);
  }

  protected async retarget(name: string, target: TargetState): Promise<void> {
    return this.change(async () => {
      const record = this.get(name);
      await this.options.configs.put(name, { config: record.config, target });
      this.records.set(name, retargeted(record, target));
      await this.afterChange?.(name);
      void this.reconciler.sync(name);
    });
  }

  /** A connector restart: a config that failed to resolve, or whose plugin changed, is resolved again. */
  protected reresolve(name: string): void {
    const record = this.get(name);
    if (record.failure === undefined && !this.pluginChanged(name)) return;
    this.records.set(name, { ...this.recordOf(name, record.config, record.target), idle: record.idle === true });
    void this.reconciler.sync(name);
  }

  /** True when the connector's plugin is no longer the one its config resolved to (upgraded or removed). */
  protected pluginChanged(name: string): boolean {
    return this.catalog.changed(this.records.get(name)?.resolved);
  }

  protected recordOf(name: string, config: Readonly<Record<string, string>>, target: TargetState): ConnectorRecord {
    try {
      return { name, config, target, resolved: this.catalog.resolve(config), failure: undefined };
    } catch (error) {
      return { name, config, target, resolved: undefined, failure: traceOf(error) };
    }
  }

  private taskFailed(connector: string, task: number): void {
    const resolved = this.records.get(connector)?.resolved;
    if (!resolved) return;
    this.restarts.failed(connector, task, resolved.restartPolicy, () => {
      if (this.records.get(connector)?.resolved !== resolved) return;
      if (this.executor.status(connector, task)?.state !== 'FAILED') return;
      this.reconciler.restart(connector, [task]).catch(() => undefined);
    });
  }

  protected get(name: string): ConnectorRecord {
    const record = this.records.get(name);
    if (!record) throw new ConnectorNotFoundError(name);
    return record;
  }
}
