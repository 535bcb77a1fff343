/**
 * Runs calls into a task one at a time, in the order they were asked for: the loop's put and
 * flush, and the rebalance work (open, flush-and-commit on revocation, closePartitions) that
 * the consumer asks for in between.
 *
 * Invariant: a call starts only after every call asked for before it settled.
 */
export class TaskCalls {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(call: () => Promise<T>): Promise<T> {
    const result = this.tail.then(call);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
