import { createHash } from 'node:crypto';

/** A static member id: stable for this worker, group and task; [a-zA-Z0-9._-] only, as Kafka requires. */
export function staticMemberId(identity: string, groupId: string, taskId: number): string {
  const digest = createHash('sha256').update(`${identity}\u0000${groupId}`).digest('hex').slice(0, 20);
  return `sluice-${digest}-${taskId}`;
}
