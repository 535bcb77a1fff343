/**
 * Runs changes one at a time, in arrival order, as Connect's standalone herder does (its methods
 * are synchronized): a restart answered with 202 and still running is finished before a later
 * stop or delete touches the same tasks.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(change: () => Promise<T>): Promise<T> {
    const result = this.tail.then(change);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
