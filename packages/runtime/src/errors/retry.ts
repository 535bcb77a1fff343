import { RetriableError, pause } from '@sluice/sdk';

export interface RetryOptions {
  /** Total time to keep retrying, ms; 0 = no retries, -1 = until aborted. */
  readonly timeoutMs: number;
  readonly maxDelayMs: number;
  readonly signal: AbortSignal;
  /** Called before each wait, e.g. to report why the task is slow. */
  readonly onRetry?: (error: RetriableError, attempt: number, delayMs: number) => void;
}

const FIRST_DELAY_MS = 100;

/**
 * Runs `operation`, retrying a RetriableError with exponential backoff (100 ms doubling, capped,
 * with jitter) until it succeeds, the timeout passes or the signal aborts; then rethrows the
 * last error. Other errors are rethrown at once.
 */
export async function withRetries<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const deadline = options.timeoutMs < 0 ? Infinity : Date.now() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof RetriableError)) throw error;
      const backoff = Math.min(options.maxDelayMs, FIRST_DELAY_MS * 2 ** (attempt - 1));
      const delay = Math.round(backoff / 2 + (Math.random() * backoff) / 2);
      if (options.signal.aborted || Date.now() + delay > deadline) throw error;
      options.onRetry?.(error, attempt, delay);
      await pause(delay, options.signal);
    }
  }
}
