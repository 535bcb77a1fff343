import { redact } from '@sluice/sdk';
import type { ConnectorStatus, StandaloneRuntime } from '@sluice/runtime';

/** The connector's config as submitted, its secret fields shown as [hidden]. */
export function shownConfig(runtime: StandaloneRuntime, name: string): Record<string, unknown> {
  return redact(runtime.connectorOf(name).config, runtime.config(name));
}

/** Connect's ConnectorInfo: name, config, tasks and type. */
export function connectorInfo(runtime: StandaloneRuntime, name: string) {
  const status = runtime.status(name);
  return {
    name,
    config: shownConfig(runtime, name),
    tasks: status.tasks.map((task) => ({ connector: name, task: task.id })),
    type: status.type,
  };
}

/** Connect's ConnectorStateInfo, every state reported by this worker. */
export function connectorStatus(runtime: StandaloneRuntime, name: string, workerId: string) {
  const status: ConnectorStatus = runtime.status(name);
  return {
    name,
    connector: { state: status.connector.state, worker_id: workerId },
    tasks: status.tasks.map((task) => taskState(task, workerId)),
    type: status.type,
  };
}

export function taskState(task: ConnectorStatus['tasks'][number], workerId: string) {
  return {
    id: task.id,
    state: task.state,
    worker_id: workerId,
    ...(task.trace === undefined ? {} : { trace: task.trace }),
  };
}

/**
 * Connect's TaskInfo list. Each task's config is the connector's shown config with the values
 * its connector gave that task alone (e.g. its share of a collection list) laid over it, as
 * config strings; secrets hidden, config provider references shown unresolved.
 */
export function taskInfos(runtime: StandaloneRuntime, name: string) {
  const info = connectorInfo(runtime, name);
  const overrides = runtime.taskOverrides(name);
  const schema = runtime.connectorOf(name).config;
  return info.tasks.map((id) => ({
    id,
    config: redact(schema, { ...info.config, ...configStrings(overrides[id.task] ?? {}) }),
  }));
}

/** Parsed config values back in config-string form: lists comma-joined, objects as JSON. */
function configStrings(values: Readonly<Record<string, unknown>>): Record<string, string> {
  const text = (value: unknown) =>
    Array.isArray(value) ? value.join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, text(value)]));
}
