import type { Logger } from '@sluice/sdk';
import { ConfigError } from '@sluice/sdk';
import type { FrameworkConfig } from './config/framework-config.js';
import { frameworkConfigOf } from './config/framework-config.js';
import type { Converter } from './converters/converter.js';
import { ErrantRecordHandler } from './errors/errant-records.js';
import type { ErrorPolicy } from './errors/error-policy.js';
import type { RetryOptions } from './errors/retry.js';
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
 */
export abstract class TaskRunner {
  protected readonly stopController = new AbortController();
  protected readonly policy: ErrorPolicy;
  protected readonly keyConverter: Converter;
  protected readonly valueConverter: Converter;
  protected readonly transform: Transform;
  protected readonly errors: ErrantRecordHandler;
  protected paused = false;
  private readonly pauseAcknowledgements: (() => void)[] = [];
  private loop: Promise<void> | undefined;
  status: TaskStatus = { state: 'UNASSIGNED' };
  readonly metrics = new TaskMetrics();

  /** @param deadLetters the producer errant records go to, when the policy names a DLQ topic */
  protected constructor(
    protected readonly common: TaskRunnerOptions,
    deadLetters: (policy: ErrorPolicy) => KafkaProducer | undefined,
  ) {
    const framework = common.framework ?? frameworkOf(common.config);
    this.policy = framework.policy;
    this.keyConverter = framework.keyConverter;
    this.valueConverter = framework.valueConverter;
    this.transform = framework.transform;
    const origin = { connector: common.connectorName, taskId: common.taskId, log: common.log };
    this.errors = new ErrantRecordHandler(this.policy, origin, deadLetters(this.policy));
  }

  /**
   * Stops moving records; the task and its resources stay (Connect's PAUSED). Resolves once the
   * batch in flight has finished, so nothing moves after it resolves.
   */
  pause(): Promise<void> {
    this.paused = true;
    if (this.status.state === 'RUNNING') this.status = { state: 'PAUSED' };
    if (this.loop === undefined || this.stopController.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.pauseAcknowledgements.push(resolve));
  }

  resume(): void {
    this.paused = false;
    this.onResume();
    if (this.status.state === 'PAUSED') this.status = { state: 'RUNNING' };
  }

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
    this.status = { state: 'RUNNING' };
    this.loop = loop()
      .catch((error: unknown) => this.fail(error))
      .finally(() => this.acknowledgePause());
  }

  /** Aborts the loop and waits for the iteration in flight to finish. */
  protected async endLoop(): Promise<void> {
    this.stopController.abort();
    await this.loop;
  }

  protected markStopped(): void {
    if (this.status.state !== 'FAILED') this.status = { state: 'UNASSIGNED' };
  }

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
   * Gives up on a stop that did not finish in time (shutdown timeout): the loop and any retry
   * waiting are aborted; the stop in progress finishes on its own or never.
   */
  abandon(): void {
    this.stopController.abort();
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
