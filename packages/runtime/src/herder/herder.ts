import type { BrokenPlugin, CatalogEntry, PluginChanges } from '../config/connector-catalog.js';
import type { ConnectorConfigCheck } from '../config/connector-config.js';
import type { TaskMetricsSnapshot } from '../metrics/task-metrics.js';
import type { TargetState } from '../stores/config-store.js';
import type { ConnectorOffset } from './connector-offsets.js';

export type ConnectorType = 'source' | 'sink' | 'unknown';
export type ConnectorState = 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'UNASSIGNED' | 'RESTARTING';
export type TaskRef = { readonly connector: string; readonly task: number };

/** Connect's ConnectorInfo. The config is as submitted, secret fields shown as [hidden]. */
export interface ConnectorInfo {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
  readonly tasks: readonly TaskRef[];
  readonly type: ConnectorType;
}

/** One instance's state in Connect's status answers. */
export interface InstanceState {
  readonly state: ConnectorState;
  readonly worker_id: string;
  readonly trace?: string;
  /** The connector plugin's version the instance runs (KIP-891); absent when its config does not resolve. */
  readonly version?: string;
}

export interface TaskStateInfo extends InstanceState {
  readonly id: number;
}

/** Connect's ConnectorStateInfo. */
export interface ConnectorStateInfo {
  readonly name: string;
  readonly connector: InstanceState;
  readonly tasks: readonly TaskStateInfo[];
  readonly type: ConnectorType;
}

/** Connect's TaskInfo: the task's own config (secrets hidden). */
export interface TaskInfo {
  readonly id: TaskRef;
  readonly config: Readonly<Record<string, string>>;
}

export interface RestartRequest {
  readonly includeTasks: boolean;
  readonly onlyFailed: boolean;
}

/** A running task's figures, for the worker's metrics endpoint. */
export interface TaskMetricsEntry {
  readonly connector: string;
  readonly task: number;
  readonly type: 'source' | 'sink';
  readonly metrics: TaskMetricsSnapshot;
}

/** The cluster as one worker sees it: Sluice's operator view. */
export interface ClusterView {
  readonly mode: 'standalone' | 'distributed';
  readonly leader: string | undefined;
  /** The Kafka cluster's id (GET / shows it as kafka_cluster_id), once read. */
  readonly kafkaClusterId?: string;
  /** Distributed, counted by this worker since it started: slot assignment changes it saw, and those in which it took over slots another worker had held. */
  readonly counters?: { readonly rebalances: number; readonly failovers: number };
  readonly workers: readonly {
    readonly id: string;
    readonly url: string | undefined;
    readonly slots: readonly number[];
    /** Tasks it runs, as `connector/task`. */
    readonly tasks: readonly string[];
  }[];
}

/**
 * Everything the REST API asks of a worker (Kafka Connect's Herder): the REST layer talks to
 * this interface only, so a standalone and a distributed herder can sit behind the same routes.
 *
 * Contract for every implementation:
 * - Changes (create, put, delete, pause, resume, stop, restart, offset changes) are ordered: each
 *   is checked against the state left by the changes before it, so a duplicate create is
 *   `ConnectorExistsError` whatever the timing. A change resolves once it is durable (stored);
 *   the tasks follow it in the background, and status shows them as they come up.
 * - A rejected change (bad config: a `ConfigError` listing every problem; unknown connector:
 *   `ConnectorNotFoundError`) changes nothing.
 * - Reads answer from memory, never wait for a change in progress, and never throw for a
 *   connector that cannot start: such a connector shows FAILED with its reason.
 */
export interface Herder {
  /** host:port this worker is reached at, as statuses report it. */
  readonly workerId: string;
  /** Loads the stored connectors and starts them in the background; resolves before they run. */
  start(): Promise<void>;
  /** True once every connector stored at start has had its tasks started (or failed): a readiness probe. */
  isReady(): boolean;
  /**
   * True once the stored connectors were read (distributed: the config topic to its end), so
   * reads answer the cluster's state, not an empty list; the REST API answers reads 503 before.
   */
  hasLoaded(): boolean;
  /** Takes no more changes, then stops every task (flush, commit, close), bounded by `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;

  connectors(): string[];
  connectorInfo(name: string): ConnectorInfo;
  /** The config as submitted, secrets hidden. */
  connectorConfig(name: string): Readonly<Record<string, string>>;
  connectorStatus(name: string): ConnectorStateInfo;
  taskConfigs(name: string): TaskInfo[];

  /** Creates a connector in `initial` state; ConnectorExistsError for a taken name. */
  createConnector(config: Readonly<Record<string, string>>, initial: TargetState): Promise<ConnectorInfo>;
  /** Creates (created: true) or replaces a connector's config; a new one starts in `initial`. */
  putConnectorConfig(
    name: string,
    config: Readonly<Record<string, string>>,
    initial?: TargetState,
  ): Promise<{ readonly created: boolean; readonly info: ConnectorInfo }>;
  /**
   * Connect's PATCH (KIP-477): the stored config with the patch's keys laid over it (a null value
   * removes the key), validated and stored as a PUT; ConnectorNotFoundError for an unknown name.
   */
  patchConnectorConfig(name: string, patch: Readonly<Record<string, string | null>>): Promise<ConnectorInfo>;
  deleteConnector(name: string): Promise<void>;
  pauseConnector(name: string): Promise<void>;
  resumeConnector(name: string): Promise<void>;
  /** Connect's STOPPED: tasks shut down and release everything; the config stays. */
  stopConnector(name: string): Promise<void>;
  /**
   * Plans a restart and runs it after answering: the status with every chosen instance shown as
   * RESTARTING, or undefined when nothing but the connector object itself was asked for.
   */
  restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo | undefined>;
  restartTask(name: string, task: number): Promise<void>;

  connectorOffsets(name: string): Promise<ConnectorOffset[]>;
  /** Connector must be STOPPED with no task left running; validated whole before anything changes. */
  alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<void>;
  resetConnectorOffsets(name: string): Promise<void>;
  /** Topics the connector's tasks used since it was created or last reset; [] for an unknown name, as Connect. */
  activeTopics(name: string): string[];
  resetActiveTopics(name: string): void;

  /** Checks a config fully (never stores it): every field's outcome and every problem. */
  validateConfig(config: Readonly<Record<string, string>>): ConnectorConfigCheck;
  /** The connector plugins this worker can run. */
  plugins(): readonly CatalogEntry[];
  /** The plugin `connector.class` names (package name or alias), if installed. */
  plugin(connectorClass: string): CatalogEntry | undefined;
  /** The workers of the cluster, the leader, and which worker runs what. */
  cluster(): ClusterView;
  /** Plugins found but unusable (bad package.json, module that fails to load, name taken), each with why. */
  brokenPlugins(): readonly BrokenPlugin[];
  /**
   * Looks for plugins again. New plugins are usable at once; an upgraded one is used by
   * connectors created, reconfigured or restarted from then on (running tasks keep the code they
   * started with); connectors whose config did not resolve (plugin missing or broken) are tried
   * again. Ordered with the other changes.
   */
  reloadPlugins(): Promise<PluginChanges>;
  /** Every task running on this worker, with its figures. */
  taskMetrics(): TaskMetricsEntry[];
}
