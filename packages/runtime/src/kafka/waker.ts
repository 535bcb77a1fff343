/**
 * Lets async code wait for "something changed" with a time limit, without polling.
 *
 * Invariant: every waiter is released exactly once, by wake() or by its own timer.
 */
export class Waker {
  private waiters: (() => void)[] = [];

  /** Resolves at the next wake(), or after `ms`. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(release, ms);
      const waiters = this.waiters;
      function release(): void {
        clearTimeout(timer);
        const index = waiters.indexOf(release);
        if (index >= 0) waiters.splice(index, 1);
        resolve();
      }
      this.waiters.push(release);
    });
  }

  wake(): void {
    for (const release of this.waiters.splice(0)) release();
  }
}
