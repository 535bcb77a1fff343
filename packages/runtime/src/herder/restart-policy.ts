import { ConfigValidator, Type } from '@sluice/sdk';
import type { ConfigOf } from '@sluice/sdk';

/**
 * Sluice's automatic restart of failed tasks (Kafka Connect leaves restarts to operators):
 * `sluice.restart.policy=on-failure` restarts a FAILED task after a backoff that doubles from
 * `sluice.restart.backoff.initial.ms` up to `sluice.restart.backoff.max.ms`, and starts again from
 * the initial backoff once the task has run for the maximum without failing.
 */
export const restartPolicySchema = Type.Object({
  'sluice.restart.policy': Type.String({
    enum: ['none', 'on-failure'],
    default: 'none',
    description: 'Restart failed tasks automatically.',
  }),
  'sluice.restart.backoff.initial.ms': Type.Integer({
    default: 1000,
    minimum: 1,
    description: 'Wait before the first restart.',
  }),
  'sluice.restart.backoff.max.ms': Type.Integer({
    default: 60_000,
    minimum: 1,
    description: 'Longest wait between restarts.',
  }),
});

export type RestartPolicy = ConfigOf<typeof restartPolicySchema>;

const validator = new ConfigValidator(restartPolicySchema);

export function restartPolicyOf(config: Readonly<Record<string, unknown>>): RestartPolicy {
  return validator.parse(Object.fromEntries(Object.entries(config).filter(([key]) => key.startsWith('sluice.'))));
}

/** Per task: how long to wait before the next restart, given when it last started. */
export class RestartBackoff {
  private delayMs: number;

  constructor(private readonly policy: RestartPolicy) {
    this.delayMs = policy['sluice.restart.backoff.initial.ms'];
  }

  next(ranForMs: number): number {
    const max = this.policy['sluice.restart.backoff.max.ms'];
    if (ranForMs >= max) this.delayMs = this.policy['sluice.restart.backoff.initial.ms'];
    const delay = this.delayMs;
    this.delayMs = Math.min(max, this.delayMs * 2);
    return delay;
  }
}
