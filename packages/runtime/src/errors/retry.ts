import { isRetriableError, pause } from '@sluice/sdk';
import type { RetriableError } from '@sluice/sdk';

export interface RetryOptions {
  /** Total time to keep retrying, ms; 0 = no retries, RETRY_WITHOUT_LIMIT (-1) = until aborted. */
  readonly timeoutMs: number;
  /** The longest wait between two attempts, ms. */
  readonly maxDelayMs: number;
  readonly signal: AbortSignal;
  /** Called before each wait, e.g. to report why the task is slow. */
  readonly onRetry?: (error: RetriableError, attempt: number, delayMs: number) => void;
}

/** `timeoutMs` for a retry that never gives up on a RetriableError: only the signal ends it. */
export const RETRY_WITHOUT_LIMIT = -1;

/**
 * The longest wait between two attempts of a task call retried without limit (poll, put, flush):
 * once the target is back, records move again within this long. Connect retries those at once.
 */
export const TASK_CALL_MAX_DELAY_MS = 10_000;

const FIRST_DELAY_MS = 100;

/** The wait after failed attempt number `attempt` (from 1): 100 ms doubling, capped, with jitter. */
export function backoffDelay(attempt: number, maxDelayMs: number): number {
  const backoff = Math.min(maxDelayMs, FIRST_DELAY_MS * 2 ** Math.min(attempt - 1, 30));
  return Math.round(backoff / 2 + (Math.random() * backoff) / 2);
}

/**
 * Runs `operation`, retrying a RetriableError with exponential backoff (100 ms doubling, capped at
 * `maxDelayMs`, with jitter) until it succeeds, the timeout passes or the signal aborts; then
 * rethrows the last error. A wait cut short by the signal is followed by one last attempt. Other
 * errors are rethrown at once.
 */
export async function withRetries<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const deadline = options.timeoutMs < 0 ? Infinity : Date.now() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetriableError(error)) throw error; // by brand: a connector's own SDK copy counts
      const delay = backoffDelay(attempt, options.maxDelayMs);
      if (options.signal.aborted || Date.now() + delay > deadline) throw error;
      options.onRetry?.(error, attempt, delay);
      await pause(delay, options.signal);
    }
  }
}
