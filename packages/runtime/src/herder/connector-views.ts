import { isDeepStrictEqual } from 'node:util';
import { ConfigError, REDACTED, redact } from '@sluice/sdk';
import type { ResolvedConnectorConfig } from '../config/connector-config.js';
import type { TargetState } from '../stores/config-store.js';
import type { TaskStatus } from '../task-status.js';
import type {
  ConnectorInfo,
  ConnectorState,
  ConnectorStateInfo,
  InstanceState,
  TaskInfo,
  TaskStateInfo,
} from './herder.js';
import { secretScrubber } from './secret-scrubber.js';

/**
 * What a herder knows of one connector, from which every REST view is built: the stored config,
 * its resolution (or why it failed) and the target state. Mode-neutral: both herders use it.
 */
export interface ConnectorRecord {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
  readonly target: TargetState;
  /** Undefined when the stored config no longer resolves (plugin gone, stricter schema). */
  readonly resolved: ResolvedConnectorConfig | undefined;
  /** Why it does not resolve: the connector's FAILED trace. */
  readonly failure: string | undefined;
  /**
   * True while PAUSED without having been STARTED since it was created or stopped: as in Connect,
   * a connector's tasks are generated only while it is STARTED, so such a connector has none.
   */
  readonly idle?: boolean;
}

/** The record with a new target state; it stays (or becomes) idle when paused from STOPPED or idle. */
export function retargeted(record: ConnectorRecord, target: TargetState): ConnectorRecord {
  const idle = target === 'PAUSED' && (record.target === 'STOPPED' || record.idle === true);
  return { ...record, target, idle };
}

/** KIP-477's merge: the patch's keys laid over the config, a null value removing its key. */
export function patchedConfig(
  config: Readonly<Record<string, string>>,
  patch: Readonly<Record<string, string | null>>,
): Record<string, string> {
  const laid = { ...config, ...patch };
  return Object.fromEntries(Object.entries(laid).filter((entry): entry is [string, string] => entry[1] !== null));
}

/** The resolved config whose offsets are read or changed; a ConfigError when it does not resolve. */
export function offsetsSubjectOf(record: ConnectorRecord): ResolvedConnectorConfig {
  if (!record.resolved)
    throw new ConfigError('connector.class', `connector ${record.name} does not resolve; its offsets cannot be read`);
  return record.resolved;
}

/** How many tasks the connector has: none while STOPPED or idle. */
export function taskCount(record: ConnectorRecord): number {
  return record.target === 'STOPPED' || record.idle === true ? 0 : (record.resolved?.taskConfigs.length ?? 0);
}

/** A task's state with the worker running it. */
export type TaskView = TaskStatus & { readonly workerId: string };

/** Keys whose values are hidden when the connector's schema is unknown (its plugin is gone). */
const SECRET_LOOKING = /(password|secret|token|credential|api[._-]?key|private[._-]?key)/i;

/** The config as submitted, secret fields hidden (by name when the schema is unknown). */
export function shownConfig(record: ConnectorRecord): Record<string, string> {
  if (record.resolved) return redact(record.resolved.connector.config, record.config) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(record.config).map(([key, value]) => [key, SECRET_LOOKING.test(key) ? REDACTED : value]),
  );
}

export function connectorInfo(record: ConnectorRecord): ConnectorInfo {
  const count = taskCount(record);
  return {
    name: record.name,
    config: shownConfig(record),
    tasks: Array.from({ length: count }, (_, task) => ({ connector: record.name, task })),
    type: record.resolved?.connector.kind ?? 'unknown',
  };
}

/**
 * Connect's status: the connector's state from its target (FAILED when it cannot resolve), each
 * task's from where it runs (`taskState`; UNASSIGNED until it has started). Traces are scrubbed
 * of the connector's secret values.
 */
export function connectorStatus(
  record: ConnectorRecord,
  workerId: string,
  taskState: (task: number) => TaskView | undefined,
): ConnectorStateInfo {
  const scrub = record.resolved ? secretScrubber(record.resolved) : (text: string) => text;
  const version = record.resolved?.connector.version;
  const instance = (status: {
    readonly state: ConnectorState;
    readonly trace?: string | undefined;
    readonly workerId?: string;
  }): InstanceState => ({
    state: status.state,
    worker_id: status.workerId ?? workerId,
    ...(status.trace === undefined ? {} : { trace: scrub(status.trace) }),
    ...(version === undefined ? {} : { version }),
  });
  const connector: InstanceState =
    record.failure !== undefined
      ? { state: 'FAILED', worker_id: workerId, trace: record.failure }
      : instance({ state: record.target === 'STARTED' ? 'RUNNING' : record.target });
  const tasks: TaskStateInfo[] = connectorInfo(record).tasks.map(({ task }) => ({
    id: task,
    ...instance(taskState(task) ?? { state: 'UNASSIGNED' }),
  }));
  return { name: record.name, connector, tasks, type: connectorInfo(record).type };
}

/**
 * Connect's TaskInfo list. Each task's config is the connector's shown config with the values
 * its connector gave that task alone (e.g. its share of a collection list) laid over it, as
 * config strings; secrets hidden, config provider references shown unresolved.
 */
export function taskInfos(record: ConnectorRecord): TaskInfo[] {
  const info = connectorInfo(record);
  const resolved = record.resolved;
  if (!resolved) return [];
  return info.tasks.map((id) => ({
    id,
    config: redact(resolved.connector.config, {
      ...info.config,
      ...configStrings(taskOverrides(resolved)[id.task] ?? {}),
    }) as Record<string, string>,
  }));
}

/** Per task, the values its connector's taskConfigs gave that task alone. */
function taskOverrides({ parsed, taskConfigs }: ResolvedConnectorConfig): Record<string, unknown>[] {
  return taskConfigs.map((task) =>
    Object.fromEntries(Object.entries(task).filter(([key, value]) => !isDeepStrictEqual(value, parsed[key]))),
  );
}

/** Parsed config values back in config-string form: lists comma-joined, objects as JSON. */
function configStrings(values: Readonly<Record<string, unknown>>): Record<string, string> {
  const text = (value: unknown) =>
    Array.isArray(value) ? value.join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, text(value)]));
}
