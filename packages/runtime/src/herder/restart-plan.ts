import type { ConnectorStateInfo, RestartRequest } from './herder.js';

/** What a restart request restarts, and the answer Connect gives for it. */
export interface RestartPlan {
  /** The connector object itself is restarted (for Sluice: a config that failed to resolve is tried again). */
  readonly connector: boolean;
  readonly tasks: number[];
  /** The status with every chosen instance RESTARTING (202), or undefined (204: only the connector was asked for). */
  readonly answer: ConnectorStateInfo | undefined;
}

/**
 * Connect's restart plan (KIP-745): without includeTasks and onlyFailed only the connector
 * object restarts (answered 204); otherwise the connector and, with includeTasks, its tasks are
 * chosen (with onlyFailed, only FAILED ones) and shown as RESTARTING (answered 202).
 */
export function restartPlan(status: ConnectorStateInfo, request: RestartRequest): RestartPlan {
  const chosen = (state: string) => !request.onlyFailed || state === 'FAILED';
  const connectorFailed = status.connector.state === 'FAILED';
  if (!request.includeTasks && !request.onlyFailed) return { connector: connectorFailed, tasks: [], answer: undefined };
  const tasks = request.includeTasks ? status.tasks.filter((task) => chosen(task.state)).map((task) => task.id) : [];
  const answer: ConnectorStateInfo = {
    ...status,
    connector: chosen(status.connector.state) ? { ...status.connector, state: 'RESTARTING' } : status.connector,
    tasks: status.tasks.map((task) => (tasks.includes(task.id) ? { ...task, state: 'RESTARTING' } : task)),
  };
  return { connector: connectorFailed && chosen(status.connector.state), tasks, answer };
}
