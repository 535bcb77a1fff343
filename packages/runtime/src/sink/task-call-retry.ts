import type { Logger } from '@sluice/sdk';
import type { ErrorPolicy } from '../errors/error-policy.js';
import type { RetryOptions } from '../errors/retry.js';
import { withRetries } from '../errors/retry.js';
import type { TaskMetrics } from '../metrics/task-metrics.js';

/** The longest wait between two attempts of a put or flush retried without limit. */
const TASK_CALL_MAX_DELAY_MS = 10_000;

export interface TaskCallRetry {
  readonly what: string;
  /** How long to keep retrying, ms; -1: until `signal` aborts. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly policy: ErrorPolicy;
  readonly metrics: TaskMetrics;
  readonly log: Logger;
}

/**
 * How a sink's put or flush is retried after a RetriableError, as Connect: errors.retry.timeout
 * does not bound it; the backoff is capped at 10 s, or errors.retry.delay.max.ms when lower;
 * every retry is counted (TaskMetrics.retries) and logged.
 */
export function taskCallRetry(retry: TaskCallRetry): RetryOptions {
  return {
    timeoutMs: retry.timeoutMs,
    maxDelayMs: Math.min(TASK_CALL_MAX_DELAY_MS, retry.policy['errors.retry.delay.max.ms']),
    signal: retry.signal,
    onRetry: (error, attempt, delayMs) => {
      retry.metrics.retries += 1;
      retry.log.warn(`${retry.what} failed, retrying`, { error: error.message, attempt, delayMs });
    },
  };
}

/** What happens around the attempts of a retried task call. */
export interface RetryHooks {
  /** Before each attempt, e.g. to hold it while the task is paused. */
  before(): Promise<void>;
  /** true once an attempt failed and the next one waits; false when the next one starts. */
  waiting(yes: boolean): void;
}

/** `attempt` under `retry` (withRetries), with `hooks` around each attempt. */
export function retrying<T>(attempt: () => Promise<T>, retry: RetryOptions, hooks: RetryHooks): Promise<T> {
  return withRetries(
    async () => {
      await hooks.before();
      hooks.waiting(false);
      return attempt();
    },
    {
      ...retry,
      onRetry: (...args) => {
        retry.onRetry?.(...args);
        hooks.waiting(true);
      },
    },
  );
}
