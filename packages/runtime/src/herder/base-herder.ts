import type { PluginChanges } from '../config/connector-catalog.js';
import type { ConnectorOffset } from './connector-offsets.js';
import { ConnectorOffsets } from './connector-offsets.js';
import {
  connectorInfo,
  connectorStatus,
  offsetsSubjectOf,
  patchedConfig,
  shownConfig,
  taskInfos,
} from './connector-views.js';
import { ConnectorExistsError, ConnectorNotFoundError } from './herder-errors.js';
import type { ClusterView, ConnectorInfo, ConnectorStateInfo, Herder, RestartRequest, TaskInfo } from './herder.js';
import type { HerderOptions } from './herder-core.js';
import { HerderCore } from './herder-core.js';
import { restartPlan } from './restart-plan.js';
import type { TargetState } from '../stores/config-store.js';

export type { HerderOptions } from './herder-core.js';

/**
 * The Herder both modes answer REST with, over the mode-neutral HerderCore: connector views,
 * create/update/delete and target states, restarts, validation, plugins and the offsets API.
 * Every change goes through the core's queue (`change`, which a mode may refuse).
 */
export abstract class BaseHerder extends HerderCore implements Herder {
  private readonly offsetsApi: ConnectorOffsets;

  constructor(options: HerderOptions) {
    super(options);
    this.offsetsApi = new ConnectorOffsets(
      {
        kindOf: (name) => offsetsSubjectOf(this.get(name)).connector.kind,
        isStopped: (name) =>
          this.get(name).target === 'STOPPED' &&
          this.executor.taskIds(name).length === 0 &&
          !this.runsElsewhere?.(name),
      },
      options.offsets,
      options.kafka,
    );
  }

  connectorInfo(name: string): ConnectorInfo {
    return connectorInfo(this.get(name));
  }

  connectorConfig(name: string): Readonly<Record<string, string>> {
    return shownConfig(this.get(name));
  }

  connectorStatus(name: string): ConnectorStateInfo {
    return connectorStatus(this.get(name), this.workerId, (task) => this.taskState(name, task));
  }

  taskConfigs(name: string): TaskInfo[] {
    return taskInfos(this.get(name));
  }

  createConnector(config: Readonly<Record<string, string>>, initial: TargetState): Promise<ConnectorInfo> {
    return this.change(async () => {
      // a bad config is reported before a name clash, as in Connect
      const resolved = this.catalog.resolve(config);
      if (this.records.has(resolved.name)) throw new ConnectorExistsError(resolved.name);
      await this.install(resolved, initial);
      return this.connectorInfo(resolved.name);
    });
  }

  putConnectorConfig(
    name: string,
    config: Readonly<Record<string, string>>,
    initial: TargetState = 'STARTED',
  ): Promise<{ created: boolean; info: ConnectorInfo }> {
    return this.change(async () => {
      const resolved = this.catalog.resolve({ ...config, name });
      const created = !this.records.has(name);
      await this.install(resolved, this.records.get(name)?.target ?? initial);
      return { created, info: this.connectorInfo(name) };
    });
  }

  patchConnectorConfig(name: string, patch: Readonly<Record<string, string | null>>): Promise<ConnectorInfo> {
    return this.change(async () => {
      const record = this.get(name);
      const resolved = this.catalog.resolve({ ...patchedConfig(record.config, patch), name });
      await this.install(resolved, record.target);
      return this.connectorInfo(name);
    });
  }

  deleteConnector(name: string): Promise<void> {
    return this.change(async () => {
      this.get(name);
      await this.options.configs.remove(name);
      this.records.delete(name);
      this.topics.reset(name);
      this.restarts.forget(name);
      await this.afterChange?.(name);
      void this.reconciler.sync(name);
    });
  }

  pauseConnector(name: string): Promise<void> {
    return this.retarget(name, 'PAUSED');
  }

  resumeConnector(name: string): Promise<void> {
    return this.retarget(name, 'STARTED');
  }

  stopConnector(name: string): Promise<void> {
    return this.retarget(name, 'STOPPED');
  }

  restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo | undefined> {
    return this.change(async () => {
      const status = this.connectorStatus(name);
      const plan = restartPlan(status, request);
      // a restart runs an upgraded plugin's new code: every task restarts on it (the pass does)
      const upgraded = this.pluginChanged(name);
      if (plan.connector || upgraded) this.reresolve(name);
      if (plan.tasks.length > 0 && !upgraded) void this.restartTasks(name, plan.tasks);
      return plan.answer;
    });
  }

  /** Resolves once the task has been restarted (the change queue is free again before that). */
  async restartTask(name: string, task: number): Promise<void> {
    const { restarted } = await this.change(async () => {
      if (!this.connectorInfo(name).tasks.some((t) => t.task === task))
        throw new ConnectorNotFoundError(`${name} task ${task}`);
      return { restarted: this.restartTasks(name, [task]) };
    });
    await restarted;
  }

  connectorOffsets(name: string): Promise<ConnectorOffset[]> {
    return this.offsetsApi.get(name);
  }

  alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<void> {
    return this.offsetsChange(name, () => this.offsetsApi.alter(name, offsets));
  }

  resetConnectorOffsets(name: string): Promise<void> {
    return this.offsetsChange(name, () => this.offsetsApi.reset(name));
  }

  /** An offsets change: in the queue, once the connector's tasks have followed the changes before it. */
  private offsetsChange(name: string, run: () => Promise<void>): Promise<void> {
    return this.change(async () => {
      this.get(name);
      await this.reconciler.settled(name);
      await this.executor.abandonedClosed(name); // a task abandoned at its stop timeout may still commit
      await this.stoppedElsewhere?.(name);
      await run();
    });
  }

  activeTopics(name: string): string[] {
    return this.topics.of(name);
  }

  resetActiveTopics(name: string): void {
    this.topics.reset(name);
  }

  validateConfig(config: Readonly<Record<string, string>>) {
    return this.catalog.check(config);
  }

  plugins() {
    return this.catalog.current.entries();
  }

  plugin(connectorClass: string) {
    return this.catalog.current.find(connectorClass);
  }

  brokenPlugins() {
    return this.catalog.current.broken();
  }

  /**
   * This worker's plugins only (each worker has its own plugin directories): so in the change
   * queue but never refused by a mode (a follower reloads too; call it on every worker).
   */
  reloadPlugins(): Promise<PluginChanges> {
    return this.localChange(async () => {
      const changes = this.catalog.reload();
      for (const [name, record] of this.records) if (record.failure !== undefined) this.reresolve(name);
      return changes;
    });
  }

  cluster(): ClusterView {
    const tasks = this.executor.running().map(({ connector, task }) => `${connector}/${task}`);
    return {
      mode: 'standalone',
      leader: this.workerId,
      workers: [{ id: this.workerId, url: undefined, slots: [], tasks }],
    };
  }

  taskMetrics() {
    return this.executor.metrics();
  }
}
