/**
 * Errors a task throws to tell the runtime what to do. Anything that is not one of these fails
 * the task, and its message and stack appear in the task's status.
 */

/**
 * A transient failure (timeout, overload, 429/5xx). Thrown by `poll`, `put` or `flush`, the runtime
 * calls it again after a capped backoff, without limit (as Kafka Connect), and the task stays
 * RUNNING; so the call must be safe to repeat. Anywhere else it means what any error means there:
 * from `createTask` the task fails; from a source's `commit` or `close` it is logged.
 */
export class RetriableError extends Error {
  override readonly name = 'RetriableError';
}

/**
 * A config that cannot work; thrown at definition or validation time. `field` and `reason` are
 * the first problem; `problems` lists every problem found (at least the first).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly { readonly field: string; readonly reason: string }[];

  /** @param field the config key at fault, named in the message. */
  constructor(
    readonly field: string,
    readonly reason: string,
    problems?: readonly { readonly field: string; readonly reason: string }[],
  ) {
    const all = problems && problems.length > 0 ? problems : [{ field, reason }];
    super(all.map((problem) => `${problem.field}: ${problem.reason}`).join('; '));
    this.problems = all;
  }
}

/** A connector definition that cannot work (missing name, invalid schema, clashing keys). */
export class ConnectorDefinitionError extends Error {
  override readonly name = 'ConnectorDefinitionError';

  constructor(
    readonly connector: string,
    readonly reason: string,
  ) {
    super(`connector ${connector}: ${reason}`);
  }
}
