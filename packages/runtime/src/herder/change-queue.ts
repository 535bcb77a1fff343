/**
 * Runs changes one at a time, in arrival order (Connect's herders order every change the same
 * way): a change is checked against the state the changes before it left, so check-then-act
 * cannot race. A failed change does not stop the ones after it.
 */
export class ChangeQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(change: () => Promise<T>): Promise<T> {
    const result = this.tail.then(change);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
