import { createHash } from 'node:crypto';
import type { SinkRunnerOptions } from './sink-runner-options.js';

/** A static member id: stable for this worker, group and task; [a-zA-Z0-9._-] only, as Kafka requires. */
export function staticMemberId(identity: string, groupId: string, taskId: number): string {
  const digest = createHash('sha256').update(`${identity}\u0000${groupId}`).digest('hex').slice(0, 20);
  return `sluice-${digest}-${taskId}`;
}

/** The task's consumer group (`connect-<connector>`, as Connect) and, given a worker identity, its static member id. */
export function groupMembership(options: SinkRunnerOptions): { groupId: string; instanceId?: string } {
  const groupId = `connect-${options.connectorName}`;
  if (options.memberIdentity === undefined) return { groupId };
  return { groupId, instanceId: staticMemberId(options.memberIdentity, groupId, options.taskId) };
}
