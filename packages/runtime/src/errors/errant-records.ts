import type { MessageHeader } from '@confluentinc/kafka-javascript';
import type { Logger } from '@sluice/sdk';
import type { KafkaProducer } from '../kafka/producer.js';
import type { ErrorPolicy } from './error-policy.js';

/** Where in the pipeline a record failed; Connect's stage names. */
export type Stage =
  'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER' | 'TRANSFORMATION' | 'TASK_PUT' | 'TASK_POLL';

/** The record as it was in (or would have gone to) Kafka. */
export interface ErrantRecord {
  readonly topic: string;
  readonly partition?: number;
  readonly offset?: number | string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: MessageHeader[];
}

/** A record the task cannot go on with while errors.tolerance is none. */
export class ToleranceExceededError extends Error {
  override readonly name = 'ToleranceExceededError';
}

/**
 * Applies `errors.tolerance` to a failed record: with `none` it throws (the task fails with the
 * cause's trace); with `all` it logs (if enabled) and sends the record unchanged to the
 * dead-letter queue (if set), with Connect's `__connect.errors.*` context headers when enabled.
 */
export class ErrantRecordHandler {
  /** Records skipped under errors.tolerance=all, for metrics. */
  skipped = 0;

  constructor(
    private readonly policy: ErrorPolicy,
    private readonly origin: { readonly connector: string; readonly taskId: number; readonly log: Logger },
    private readonly deadLetters?: KafkaProducer,
  ) {}

  async handle(stage: Stage, error: Error, record: ErrantRecord): Promise<void> {
    if (this.policy['errors.tolerance'] === 'none') {
      throw new ToleranceExceededError(
        `Tolerance exceeded in error handler: ${stage} failed for ${where(record)}: ${error.message}`,
        {
          cause: error,
        },
      );
    }
    this.skipped += 1;
    if (this.policy['errors.log.enable']) this.log(stage, error, record);
    const topic = this.policy['errors.deadletterqueue.topic.name'];
    if (topic !== '' && this.deadLetters) {
      const headers = [...(record.headers ?? [])];
      if (this.policy['errors.deadletterqueue.context.headers.enable'])
        headers.push(...this.contextHeaders(stage, error, record));
      await this.deadLetters.send([{ topic, key: record.key, value: record.value, headers }]);
    }
  }

  private log(stage: Stage, error: Error, record: ErrantRecord): void {
    const fields: Record<string, unknown> = { stage, error: error.message, record: where(record) };
    if (this.policy['errors.log.include.messages']) {
      fields.key = record.key?.toString('utf8') ?? null;
      fields.value = record.value?.toString('utf8') ?? null;
    }
    this.origin.log.error('Error encountered in task; the record is skipped (errors.tolerance=all)', fields);
  }

  private contextHeaders(stage: Stage, error: Error, record: ErrantRecord): MessageHeader[] {
    const entries: [string, string | undefined][] = [
      ['__connect.errors.topic', record.topic],
      ['__connect.errors.partition', record.partition?.toString()],
      ['__connect.errors.offset', record.offset?.toString()],
      ['__connect.errors.connector.name', this.origin.connector],
      ['__connect.errors.task.id', String(this.origin.taskId)],
      ['__connect.errors.stage', stage],
      ['__connect.errors.class.name', error.constructor.name],
      ['__connect.errors.exception.class.name', error.name],
      ['__connect.errors.exception.message', error.message],
      ['__connect.errors.exception.stacktrace', error.stack],
    ];
    return entries.filter(([, value]) => value !== undefined).map(([key, value]) => ({ [key]: value as string }));
  }
}

function where(record: ErrantRecord): string {
  return record.partition === undefined ? record.topic : `${record.topic}-${record.partition}@${String(record.offset)}`;
}
