import type { Logger } from '@sluice/sdk';
import { ConfigError } from '@sluice/sdk';
import type { FrameworkConfig } from './config/framework-config.js';
import { frameworkConfigOf } from './config/framework-config.js';
import type { ClientOverrides } from './config/client-overrides.js';
import type { Converter } from './converters/converter.js';
import { ErrantRecordHandler } from './errors/errant-records.js';
import type { ErrorPolicy } from './errors/error-policy.js';
import type { RetryOptions } from './errors/retry.js';
import { RETRY_WITHOUT_LIMIT, TASK_CALL_MAX_DELAY_MS } from './errors/retry.js';
import type { KafkaClientSettings } from './kafka/client-config.js';
import type { KafkaProducer } from './kafka/producer.js';
import { TaskMetrics } from './metrics/task-metrics.js';
import type { TaskMetricsSnapshot } from './metrics/task-metrics.js';
import type { TaskStatus } from './task-status.js';
import { traceOf } from './task-status.js';
import type { Transform } from './transforms/transform.js';

export interface TaskRunnerOptions {
  readonly connectorName: string;
  readonly taskId: number;
  /** The connector's whole config as submitted (framework keys and its own). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The framework keys of `config`, parsed once per config change; built from `config` when absent. */
  readonly framework?: FrameworkConfig;
  /** The connector's own config, validated, for this task. */
  readonly taskConfig: Readonly<Record<string, unknown>>;
  readonly kafka: KafkaClientSettings;
  readonly log: Logger;
  /** Told when the task fails (after its status says FAILED), e.g. to schedule a restart. */
  readonly onFailed?: () => void;
  /** Told the topics a batch went to (source) or came from (sink): Connect's active topics. */
  readonly onTopics?: (topics: readonly string[]) => void;
}

/**
 * What source and sink runners share: the framework config (converters, transforms, error
 * policy), the task's status, pause/resume, and a main loop whose failure fails the task.
 *
 * Two signals, and the order between them is the invariant: `stopController` means "the loop
 * should end" (stop, abandon); `taskController` is the task's `ctx.signal` and aborts only after
 * `stopController` has, once the runtime waits for nothing more from the task but close() — after
 * the final flush/commit of a stop — or when the stop is abandoned. The task's signal therefore
 * never cancels the work a stop still waits for.
 */
export abstract class TaskRunner {
  /** Aborted when the runner's loop should end: the loop sees it between two task calls. */
  protected readonly stopController = new AbortController();
  /** The task's `ctx.signal`: aborted by abortTask() (end of stop) or abandon(), never earlier. */
  protected readonly taskController = new AbortController();
  protected readonly policy: ErrorPolicy;
  protected readonly keyConverter: Converter;
  protected readonly valueConverter: Converter;
  /** A source's header.converter; undefined: SimpleHeaderConverter (text as UTF-8). */
  protected readonly headerConverter: Converter | undefined;
  protected readonly transform: Transform;
  /** producer/consumer/admin.override.*: laid over `common.kafka` for each client the runner builds. */
  protected readonly clients: ClientOverrides;
  protected readonly errors: ErrantRecordHandler;
  protected paused = false;
  private readonly pauseAcknowledgements: (() => void)[] = [];
  private loop: Promise<void> | undefined;
  status: TaskStatus = { state: 'UNASSIGNED' };
  readonly metrics = new TaskMetrics();

  /**
   * @param producer builds the runner's producer, or none: a source's own, a sink's for its dead
   *   letter queue when the policy names a topic; `overrides` (the connector's
   *   producer.override.*) go over the runner's settings. Errant records go to it.
   */
  protected constructor(
    protected readonly common: TaskRunnerOptions,
    producer: (policy: ErrorPolicy, overrides: KafkaClientSettings) => KafkaProducer | undefined,
  ) {
    const framework = common.framework ?? frameworkOf(common.config);
    this.policy = framework.policy;
    this.keyConverter = framework.keyConverter;
    this.valueConverter = framework.valueConverter;
    this.headerConverter = framework.headerConverter;
    this.transform = framework.transform;
    this.clients = framework.clients;
    const origin = { connector: common.connectorName, taskId: common.taskId, log: common.log };
    const deadLetters = producer(this.policy, framework.clients.producer);
    this.errors = new ErrantRecordHandler(this.policy, origin, deadLetters);
  }

  /**
   * Stops moving records; the task and its resources stay (Connect's PAUSED). Resolves once the
   * batch in flight has finished, so nothing moves after it resolves.
   */
  pause(): Promise<void> {
    this.paused = true;
    if (this.status.state === 'RUNNING') this.status = { state: 'PAUSED' };
    this.onPause();
    if (this.loop === undefined || this.stopController.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.pauseAcknowledgements.push(resolve));
  }

  resume(): void {
    this.paused = false;
    this.onResume();
    if (this.status.state === 'PAUSED') this.status = { state: 'RUNNING' };
  }

  /** Told when a pause is requested, e.g. to cut short a wait so the loop sees it at once. */
  protected onPause(): void {}

  protected onResume(): void {}

  metricsSnapshot(): TaskMetricsSnapshot {
    return this.metrics.snapshot({ errantRecords: this.errors.skipped });
  }

  /** Called by the loop when it sees the pause: the batch in flight is done. */
  protected acknowledgePause(): void {
    for (const resolve of this.pauseAcknowledgements.splice(0)) resolve();
  }

  /** Runs the main loop in the background; an error escaping it fails the task with its trace. */
  protected launch(loop: () => Promise<void>): void {
    // a task started paused (or paused while it started) shows PAUSED, not RUNNING
    this.status = { state: this.paused ? 'PAUSED' : 'RUNNING' };
    this.loop = loop()
      .catch((error: unknown) => this.fail(error))
      .finally(() => this.acknowledgePause());
  }

  /** Aborts the loop and waits for the iteration in flight to finish. */
  protected async endLoop(): Promise<void> {
    this.stopController.abort();
    await this.loop;
  }

  /** Aborts the task's signal (ctx.signal): call once nothing but close() is left to call. */
  protected abortTask(): void {
    this.taskController.abort();
  }

  /**
   * Gives up on a stop that outlasted the shutdown timeout: ends the loop and aborts the task's
   * signal, so the task call in flight (poll, put, flush, commit) can cancel its I/O and return.
   * A stop() under way still completes once that call returns; what the call did not finish is
   * not committed (records after the last commit are read or delivered again: at-least-once).
   */
  abandon(): void {
    if (this.taskController.signal.aborted) return;
    this.common.log.warn('task abandoned: its stop outlasted the shutdown timeout; ctx.signal is aborted');
    this.stopController.abort();
    this.abortTask();
  }

  protected markStopped(): void {
    if (this.status.state !== 'FAILED') this.status = { state: 'UNASSIGNED' };
  }

  /** errors.retry.timeout and errors.retry.delay.max.ms, Connect's meaning: converter and transform failures. */
  protected retryOptions(what: string): RetryOptions {
    return {
      timeoutMs: this.policy['errors.retry.timeout'],
      maxDelayMs: this.policy['errors.retry.delay.max.ms'],
      signal: this.stopController.signal,
      onRetry: (error, attempt, delayMs) =>
        this.common.log.warn(`${what} failed, retrying`, { error: error.message, attempt, delayMs }),
    };
  }

  /**
   * A task call (poll, put, flush) failing with RetriableError, as Connect: retried without limit
   * (errors.retry.timeout does not apply), the backoff capped at TASK_CALL_MAX_DELAY_MS or
   * errors.retry.delay.max.ms when lower, each retry logged; until `signal` aborts (the loop's
   * by default), then the last error is rethrown.
   */
  protected unlimitedRetryOptions(what: string, signal: AbortSignal = this.stopController.signal): RetryOptions {
    return {
      timeoutMs: RETRY_WITHOUT_LIMIT,
      maxDelayMs: Math.min(TASK_CALL_MAX_DELAY_MS, this.policy['errors.retry.delay.max.ms']),
      signal,
      onRetry: (error, attempt, delayMs) =>
        this.common.log.warn(`${what} failed with a RetriableError; retrying (without limit)`, {
          error: error.message,
          attempt,
          delayMs,
        }),
    };
  }

  /** Marks the task FAILED with the error's trace and tells the owner (e.g. to schedule a restart). */
  fail(error: unknown): void {
    this.status = { state: 'FAILED', trace: traceOf(error) };
    this.common.log.error('task failed', { error: (error as Error).message });
    this.common.onFailed?.();
  }
}

/** The framework config of a whole connector config; throws a ConfigError naming every bad key. */
function frameworkOf(config: Readonly<Record<string, unknown>>): FrameworkConfig {
  const { config: framework, problems } = frameworkConfigOf(config);
  if (framework) return framework;
  const first = problems[0] ?? { field: 'config', reason: 'is invalid' };
  throw new ConfigError(first.field, first.reason, problems);
}
