/**
 * Runs an action once its requests have been quiet for `quietMs`, and at most `maxDelayMs`
 * after the first request of a burst: a burst of requests (e.g. the survivors' worker records
 * arriving one by one after a member died) runs the action once, on the settled state.
 *
 * Invariant: at most one timer is pending; `first` is set exactly while one is.
 */
export class QuietTrigger {
  private timer: NodeJS.Timeout | undefined;
  private first: number | undefined;

  constructor(
    private readonly action: () => void,
    private readonly quietMs: number,
    private readonly maxDelayMs: number,
  ) {}

  /** Asks for the action: it runs once the requests have paused for the quiet period (or the burst ran too long). */
  request(): void {
    const now = Date.now();
    this.first ??= now;
    clearTimeout(this.timer);
    const delay = Math.max(0, Math.min(this.quietMs, this.first + this.maxDelayMs - now));
    this.timer = setTimeout(() => this.fire(), delay);
    this.timer.unref();
  }

  /** Drops a pending action. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.first = undefined;
  }

  private fire(): void {
    this.cancel();
    this.action();
  }
}
