import { isDeepStrictEqual } from 'node:util';
import type { Connector, Logger } from '@sluice/sdk';
import type { KafkaClientSettings } from '../kafka/client-config.js';
import { SinkTaskRunner } from '../sink/sink-task-runner.js';
import { SourceTaskRunner } from '../source/source-task-runner.js';
import type { ConfigStore, TargetState } from '../stores/config-store.js';
import type { OffsetStore } from '../stores/offset-store.js';
import type { TaskMetricsSnapshot } from '../metrics/task-metrics.js';
import type { TaskStatus } from '../task-status.js';
import type { ConnectorCatalog } from './connector-catalog.js';
import type { ResolvedConnectorConfig } from './connector-config.js';
import { resolveConnectorConfig } from './connector-config.js';
import { RestartBackoff } from './restart-policy.js';
import { scrubbingLogger, secretScrubber } from './secret-scrubber.js';

export interface StandaloneRuntimeOptions {
  readonly catalog: ConnectorCatalog;
  readonly kafka: KafkaClientSettings;
  readonly configs: ConfigStore;
  readonly offsets: OffsetStore;
  /** A logger for a connector's task (or the connector itself when task is undefined). */
  readonly log: (connector: string, task?: number) => Logger;
  readonly commitIntervalMs?: number;
  /** The worker's identity across restarts: sink tasks become static group members (SinkRunnerOptions.memberIdentity). */
  readonly memberIdentity?: string;
}

export interface ConnectorStatus {
  readonly name: string;
  readonly type: 'source' | 'sink';
  readonly connector: { readonly state: 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' };
  readonly tasks: (TaskStatus & { readonly id: number })[];
}

export class ConnectorNotFoundError extends Error {
  override readonly name = 'ConnectorNotFoundError';
  constructor(readonly connector: string) {
    super(`Connector ${connector} not found`);
  }
}

export class ConnectorExistsError extends Error {
  override readonly name = 'ConnectorExistsError';
  constructor(readonly connector: string) {
    super(`Connector ${connector} already exists`);
  }
}

type Runner = SourceTaskRunner | SinkTaskRunner;

interface Running {
  resolved: ResolvedConnectorConfig;
  target: TargetState;
  runners: Runner[];
  /** Per task: restart backoff and when the task last started (on-failure policy). */
  restarts: Map<number, { backoff: RestartBackoff; startedAt: number; timer?: NodeJS.Timeout | undefined }>;
}

/**
 * Runs connectors in one process (standalone mode): configs and target states in a ConfigStore,
 * source offsets in an OffsetStore, one runner per task. Every change is validated before
 * anything stops, and stored before it is applied, so a crash replays the operator's intent.
 */
export class StandaloneRuntime {
  private readonly connectors = new Map<string, Running>();
  /** Per connector, the topics its records went to or came from (Connect's active topics). */
  private readonly topics = new Map<string, Set<string>>();

  constructor(private readonly options: StandaloneRuntimeOptions) {}

  /** Starts every stored connector in its stored target state. */
  async start(): Promise<void> {
    for (const [name, stored] of await this.options.configs.load()) {
      const resolved = resolveConnectorConfig(stored.config, this.options.catalog);
      const running: Running = { resolved, target: stored.target, runners: [], restarts: new Map() };
      this.connectors.set(name, running);
      await this.apply(running);
    }
  }

  /** Creates a connector; throws ConnectorExistsError for a taken name, ConfigError for a bad config. */
  async create(config: Readonly<Record<string, string>>, target: TargetState = 'STARTED'): Promise<void> {
    // a bad config is reported before a name clash, as in Connect
    const resolved = resolveConnectorConfig(config, this.options.catalog);
    if (this.connectors.has(resolved.name)) throw new ConnectorExistsError(resolved.name);
    await this.install(resolved, target);
  }

  /** Creates or replaces a connector's config (a new one starts in `initialTarget`); resolves true when it was created. */
  async put(config: Readonly<Record<string, string>>, initialTarget: TargetState = 'STARTED'): Promise<boolean> {
    return this.install(resolveConnectorConfig(config, this.options.catalog), initialTarget);
  }

  /** Stores a validated config, then replaces the connector's runners; resolves true when it was new. */
  private async install(resolved: ResolvedConnectorConfig, initialTarget: TargetState): Promise<boolean> {
    const existing = this.connectors.get(resolved.name);
    const target = existing?.target ?? initialTarget;
    await this.options.configs.put(resolved.name, { config: resolved.config, target });
    if (existing) await this.stopRunners(existing);
    const running: Running = { resolved, target, runners: [], restarts: new Map() };
    this.connectors.set(resolved.name, running);
    await this.apply(running);
    return existing === undefined;
  }

  async remove(name: string): Promise<void> {
    const running = this.get(name);
    await this.options.configs.remove(name);
    this.connectors.delete(name);
    this.topics.delete(name);
    await this.stopRunners(running);
  }

  pause(name: string): Promise<void> {
    return this.retarget(name, 'PAUSED');
  }

  resume(name: string): Promise<void> {
    return this.retarget(name, 'STARTED');
  }

  /** Connect's STOPPED: tasks shut down and release everything; the config stays. */
  stop(name: string): Promise<void> {
    return this.retarget(name, 'STOPPED');
  }

  /** Restarts tasks (all, or only FAILED ones). */
  async restart(name: string, onlyFailed = false): Promise<void> {
    const running = this.get(name);
    const ids = running.runners
      .map((runner, id) => ({ runner, id }))
      .filter(({ runner }) => !onlyFailed || runner.status.state === 'FAILED');
    for (const { id } of ids) await this.restartTask(name, id);
  }

  async restartTask(name: string, id: number): Promise<void> {
    const running = this.get(name);
    const old = running.runners[id];
    if (!old) throw new ConnectorNotFoundError(`${name} task ${id}`);
    await old.stop();
    running.runners[id] = this.createRunner(running, id);
    await this.startRunner(running, running.runners[id] as Runner);
  }

  /** Every running task's figures, for the worker to publish. */
  metrics(): { connector: string; task: number; type: 'source' | 'sink'; metrics: TaskMetricsSnapshot }[] {
    return [...this.connectors.entries()].flatMap(([connector, running]) =>
      running.runners.map((runner, task) => ({
        connector,
        task,
        type: running.resolved.connector.kind,
        metrics: runner.metricsSnapshot(),
      })),
    );
  }

  /** Topics the connector's tasks used since it was created or last reset; [] for an unknown name, as Connect. */
  activeTopics(name: string): string[] {
    return [...(this.topics.get(name) ?? [])].sort();
  }

  resetActiveTopics(name: string): void {
    this.topics.delete(name);
  }

  /** Connect's precondition for changing offsets: target STOPPED and no task left running. */
  isStopped(name: string): boolean {
    const running = this.get(name);
    return running.target === 'STOPPED' && running.runners.length === 0;
  }

  names(): string[] {
    return [...this.connectors.keys()].sort();
  }

  config(name: string): Readonly<Record<string, string>> {
    return this.get(name).resolved.config;
  }

  /**
   * Per task, the config values its connector's taskConfigs gave that task alone (e.g. its share
   * of a collection list): every key whose value differs from the whole connector's.
   */
  taskOverrides(name: string): Record<string, unknown>[] {
    const { parsed, taskConfigs } = this.get(name).resolved;
    return taskConfigs.map((task) =>
      Object.fromEntries(Object.entries(task).filter(([key, value]) => !isDeepStrictEqual(value, parsed[key]))),
    );
  }

  /** The connector definition a connector runs (its schema says which fields are secret). */
  connectorOf(name: string): Connector {
    return this.get(name).resolved.connector;
  }

  status(name: string): ConnectorStatus {
    const running = this.get(name);
    const scrub = secretScrubber(running.resolved);
    const tasks = running.runners.map((runner, id) => {
      const { state, trace } = runner.status;
      return trace === undefined ? { id, state } : { id, state, trace: scrub(trace) };
    });
    const state = running.target === 'STOPPED' ? 'STOPPED' : running.target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
    return { name, type: running.resolved.connector.kind, connector: { state }, tasks };
  }

  /** Stops every task gracefully (flush, commit, close), giving up after `timeoutMs`. */
  async shutdown(timeoutMs = 30_000): Promise<void> {
    const all = Promise.all([...this.connectors.values()].map((running) => this.stopRunners(running)));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.options.log('worker').warn('shutdown timed out; tasks still stopping were abandoned', { timeoutMs });
        resolve();
      }, timeoutMs);
    });
    await Promise.race([all, timeout]);
    clearTimeout(timer);
  }

  private get(name: string): Running {
    const running = this.connectors.get(name);
    if (!running) throw new ConnectorNotFoundError(name);
    return running;
  }

  private async retarget(name: string, target: TargetState): Promise<void> {
    const running = this.get(name);
    await this.options.configs.put(name, { config: running.resolved.config, target });
    running.target = target;
    await this.apply(running);
  }

  /** Brings the runners in line with the target state. */
  private async apply(running: Running): Promise<void> {
    if (running.target === 'STOPPED') return this.stopRunners(running);
    if (running.runners.length === 0) {
      running.runners = running.resolved.taskConfigs.map((_, id) => this.createRunner(running, id));
      for (const runner of running.runners) await this.startRunner(running, runner);
    }
    for (const runner of running.runners) {
      if (running.target === 'PAUSED') await runner.pause();
      else runner.resume();
    }
  }

  private async startRunner(running: Running, runner: Runner): Promise<void> {
    const id = running.runners.indexOf(runner);
    const restart = running.restarts.get(id) ?? {
      backoff: new RestartBackoff(running.resolved.restartPolicy),
      startedAt: 0,
    };
    restart.startedAt = Date.now();
    running.restarts.set(id, restart);
    await runner.start();
    if (running.target === 'PAUSED') await runner.pause();
  }

  /** on-failure policy: restarts a failed task after its backoff, unless it was stopped meanwhile. */
  private scheduleRestart(running: Running, id: number): void {
    const restart = running.restarts.get(id);
    if (!restart || running.resolved.restartPolicy['sluice.restart.policy'] !== 'on-failure') return;
    const delayMs = restart.backoff.next(Date.now() - restart.startedAt);
    const log = this.options.log(running.resolved.name, id);
    log.warn('task failed; restarting it after a backoff (sluice.restart.policy=on-failure)', { delayMs });
    restart.timer = setTimeout(() => {
      restart.timer = undefined;
      if (this.connectors.get(running.resolved.name) !== running || running.runners[id]?.status.state !== 'FAILED')
        return;
      this.restartTask(running.resolved.name, id).catch((error: unknown) =>
        log.error('restart failed', { error: (error as Error).message }),
      );
    }, delayMs);
  }

  private noteTopics(name: string, topics: readonly string[]): void {
    const known = this.topics.get(name) ?? new Set<string>();
    for (const topic of topics) known.add(topic);
    this.topics.set(name, known);
  }

  private async stopRunners(running: Running): Promise<void> {
    for (const restart of running.restarts.values()) clearTimeout(restart.timer);
    const runners = running.runners;
    running.runners = [];
    await Promise.all(runners.map((runner) => runner.stop()));
  }

  private createRunner(running: Running, taskId: number): Runner {
    const resolved = running.resolved;
    const common = {
      onFailed: () => this.scheduleRestart(running, taskId),
      onTopics: (topics: readonly string[]) => this.noteTopics(resolved.name, topics),
      connectorName: resolved.name,
      taskId,
      config: resolved.effectiveConfig,
      taskConfig: resolved.taskConfigs[taskId] ?? {},
      kafka: { ...this.options.kafka, 'client.id': `${resolved.name}-${taskId}` },
      log: scrubbingLogger(this.options.log(resolved.name, taskId), secretScrubber(resolved)),
    };
    if (resolved.connector.kind === 'source') {
      return new SourceTaskRunner({ ...common, connector: resolved.connector, offsets: this.options.offsets });
    }
    return new SinkTaskRunner({
      ...common,
      connector: resolved.connector,
      topics: resolved.topics,
      ...(this.options.commitIntervalMs === undefined ? {} : { commitIntervalMs: this.options.commitIntervalMs }),
      ...(this.options.memberIdentity === undefined ? {} : { memberIdentity: this.options.memberIdentity }),
    });
  }
}
