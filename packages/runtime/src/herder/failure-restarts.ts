import type { Logger } from '@sluice/sdk';
import type { RestartPolicy } from './restart-policy.js';
import { RestartBackoff } from './restart-policy.js';

interface TaskRestarts {
  backoff: RestartBackoff;
  startedAt: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Sluice's on-failure restart policy (sluice.restart.*), mode-neutral: remembers when each task
 * started and, when it fails, restarts it after a backoff unless it was stopped or restarted
 * meanwhile. Invariant: at most one pending restart per task; forgetting a connector cancels its.
 */
export class FailureRestarts {
  private readonly tasks = new Map<string, Map<number, TaskRestarts>>();

  constructor(private readonly log: (connector: string, task: number) => Logger) {}

  started(connector: string, task: number, policy: RestartPolicy): void {
    const tasks = this.tasks.get(connector) ?? new Map<number, TaskRestarts>();
    const known = tasks.get(task);
    if (known) clearTimeout(known.timer);
    tasks.set(task, { backoff: known?.backoff ?? new RestartBackoff(policy), startedAt: Date.now(), timer: undefined });
    this.tasks.set(connector, tasks);
  }

  /** Schedules `restart` after the task's backoff, when the policy says on-failure. */
  failed(connector: string, task: number, policy: RestartPolicy, restart: () => void): void {
    const known = this.tasks.get(connector)?.get(task);
    if (!known || policy['sluice.restart.policy'] !== 'on-failure') return;
    clearTimeout(known.timer);
    const delayMs = known.backoff.next(Date.now() - known.startedAt);
    this.log(connector, task).warn('task failed; restarting it after a backoff (sluice.restart.policy=on-failure)', {
      delayMs,
    });
    known.timer = setTimeout(() => {
      known.timer = undefined;
      restart();
    }, delayMs);
  }

  /** Cancels every pending restart of the connector and forgets its backoffs. */
  forget(connector: string): void {
    for (const known of this.tasks.get(connector)?.values() ?? []) clearTimeout(known.timer);
    this.tasks.delete(connector);
  }

  forgetAll(): void {
    for (const connector of [...this.tasks.keys()]) this.forget(connector);
  }
}
