import type { Logger } from '@sluice/sdk';
import type { ErrorPolicy } from '../errors/error-policy.js';
import type { RetryOptions } from '../errors/retry.js';
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
