/**
 * Errors a task throws to tell the runtime what to do. Anything that is not one of these fails
 * the task, and its message and stack appear in the task's status.
 *
 * The runtime recognises them by a brand, a `Symbol.for(...)` property every instance carries,
 * not by class identity: a connector installed with its own copy of this package (another
 * version, or a second install) throws errors of another class, and they must mean the same.
 * `isRetriableError(e)` and `isConfigError(e)` check the brand; `instanceof RetriableError` and
 * `instanceof ConfigError` check it too (through `Symbol.hasInstance`), so both agree across
 * copies. A subclass's own `instanceof` keeps its ordinary meaning.
 */

/** The brand of a RetriableError, from any copy of the SDK. */
export const RETRIABLE_ERROR_BRAND: unique symbol = Symbol.for('sluice.error.retriable');
/** The brand of a ConfigError, from any copy of the SDK. */
export const CONFIG_ERROR_BRAND: unique symbol = Symbol.for('sluice.error.config');

function branded(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** True for a RetriableError made by any copy of the SDK (or any object carrying its brand). */
export function isRetriableError(value: unknown): value is RetriableError {
  return branded(value, RETRIABLE_ERROR_BRAND);
}

/** True for a ConfigError made by any copy of the SDK (or any object carrying its brand). */
export function isConfigError(value: unknown): value is ConfigError {
  return branded(value, CONFIG_ERROR_BRAND);
}

/**
 * A transient failure (timeout, overload, 429/5xx). Thrown by `poll`, `put` or `flush`, the runtime
 * calls it again after a capped backoff, without limit (as Kafka Connect), and the task stays
 * RUNNING; so the call must be safe to repeat. Anywhere else it means what any error means there:
 * from `createTask` the task fails; from a source's `commit` or `close` it is logged.
 */
export class RetriableError extends Error {
  override readonly name = 'RetriableError';
  readonly [RETRIABLE_ERROR_BRAND] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return this === RetriableError ? isRetriableError(value) : Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/**
 * A config that cannot work; thrown at definition or validation time. `field` and `reason` are
 * the first problem; `problems` lists every problem found (at least the first).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly [CONFIG_ERROR_BRAND] = true;
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

  static override [Symbol.hasInstance](value: unknown): boolean {
    return this === ConfigError ? isConfigError(value) : Function.prototype[Symbol.hasInstance].call(this, value);
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
