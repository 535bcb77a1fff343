import type { Logger } from '@sluice/sdk';
import type { Converter } from './converters/converter.js';
import { converterFor } from './converters/converter-config.js';
import { ErrantRecordHandler } from './errors/errant-records.js';
import type { ErrorPolicy } from './errors/error-policy.js';
import { errorPolicyOf } from './errors/error-policy.js';
import type { RetryOptions } from './errors/retry.js';
import type { KafkaClientSettings } from './kafka/client-config.js';
import type { KafkaProducer } from './kafka/producer.js';
import { TaskMetrics } from './metrics/task-metrics.js';
import type { TaskMetricsSnapshot } from './metrics/task-metrics.js';
import type { TaskStatus } from './task-status.js';
import { traceOf } from './task-status.js';
import type { Transform } from './transforms/transform.js';
import { transformChain } from './transforms/transform-chain.js';

export interface TaskRunnerOptions {
  readonly connectorName: string;
  readonly taskId: number;
  /** The connector's whole config as submitted (framework keys and its own). */
  readonly config: Readonly<Record<string, unknown>>;
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
  /** Aborted when the main loop should end (a stop began). */
  protected readonly stopController = new AbortController();
  /** What the task sees as `ctx.signal`: aborted by abortTask() once the task is over. */
  protected readonly taskController = new AbortController();
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
    this.policy = errorPolicyOf(common.config);
    this.keyConverter = converterFor('key', common.config);
    this.valueConverter = converterFor('value', common.config);
    this.transform = transformChain(common.config);
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

  /** Ends the task's own work (`ctx.signal`): after its final flush and commit, or when a stop runs out of time. */
  protected abortTask(): void {
    this.taskController.abort();
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

  protected fail(error: unknown): void {
    this.status = { state: 'FAILED', trace: traceOf(error) };
    this.common.log.error('task failed', { error: (error as Error).message });
    this.common.onFailed?.();
  }
}
