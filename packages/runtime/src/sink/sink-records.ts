import type { Message } from '@confluentinc/kafka-javascript';
import type { SinkRecord } from '@sluice/sdk';
import { isRetriableError, scanJsonText } from '@sluice/sdk';
import type { Converter } from '../converters/converter.js';
import { JsonConverter } from '../converters/json-converter.js';
import type { ErrantRecord, ErrantRecordHandler, Stage } from '../errors/errant-records.js';
import type { RetryOptions } from '../errors/retry.js';
import { withRetries } from '../errors/retry.js';
import { inPartitions } from '../kafka/topic-partitions.js';
import type { Transform, TransformRecord } from '../transforms/transform.js';
import { noTransforms } from '../transforms/transform-chain.js';
import { JsonTextRecord } from './json-text-record.js';

/** A consumed batch, converted for put. */
export interface ConvertedBatch {
  /** Every message of the batch (converted, dropped by a transform, or errant): all are handled once put. */
  readonly messages: readonly Message[];
  readonly records: readonly SinkRecord[];
  /** `sources[i]` is the message `records[i]` was made from. */
  readonly sources: readonly Message[];
}

/** What turns Kafka messages into sink records: the connector's framework config. */
export interface RecordConversion {
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  readonly transform: Transform;
  readonly errors: ErrantRecordHandler;
  /** How a RetriableError from a converter or transform is retried (errors.retry.timeout). */
  readonly retry: RetryOptions;
  /**
   * The sink takes values as JSON text (`valueJsonText`), the value converter reads plain JSON
   * and no transform runs: values `scanJsonText` vouches for become JsonTextRecords.
   */
  readonly valueJsonText?: boolean;
}

/**
 * Converts and transforms each message; a record that fails goes to the error handler (which
 * throws under errors.tolerance=none), a RetriableError first being retried per errors.retry.*.
 */
export async function convertBatch(
  messages: readonly Message[],
  conversion: RecordConversion,
): Promise<ConvertedBatch> {
  const records: SinkRecord[] = [];
  const sources: Message[] = [];
  const stage: { current: Stage } = { current: 'KEY_CONVERTER' }; // one per batch: convert sets it first
  // an index loop: a for-of over an array in an async function allocates an iterator result per message
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as Message;
    let record: SinkRecord | null;
    try {
      record = convert(message, conversion, stage);
    } catch (error) {
      try {
        record = await retried(error, message, conversion, stage);
      } catch (final) {
        await conversion.errors.handle(stage.current, final as Error, errantOf(message));
        continue;
      }
    }
    if (record !== null) {
      records.push(record);
      sources.push(message);
    }
  }
  return { messages, records, sources };
}

/** Whether values go to the sink as JSON text (RecordConversion.valueJsonText): it asks, the converter reads plain JSON, no transform runs. */
export function takesValueJsonText(
  sinkAsks: boolean | undefined,
  valueConverter: Converter,
  transform: Transform,
): boolean {
  return (
    sinkAsks === true &&
    valueConverter instanceof JsonConverter &&
    valueConverter.readsPlainJson &&
    transform === noTransforms
  );
}

/** The part of `batch` whose messages belong to partitions in `held` (keys from keyOf). */
export function keepHeld(batch: ConvertedBatch, held: ReadonlySet<string>): ConvertedBatch {
  const isHeld = inPartitions(held);
  if (batch.messages.every(isHeld)) return batch;
  const kept = batch.records.map((_, i) => isHeld(batch.sources[i] as Message));
  return {
    messages: batch.messages.filter(isHeld),
    records: batch.records.filter((_, i) => kept[i]),
    sources: batch.sources.filter((_, i) => kept[i]),
  };
}

/** A RetriableError from a converter or transform retried for up to errors.retry.timeout; anything else rethrown. */
async function retried(
  error: unknown,
  message: Message,
  conversion: RecordConversion,
  stage: { current: Stage },
): Promise<SinkRecord | null> {
  if (!isRetriableError(error) || conversion.retry.timeoutMs === 0) throw error;
  return withRetries(async () => convert(message, conversion, stage), conversion.retry);
}

function convert(message: Message, conversion: RecordConversion, stage: { current: Stage }): SinkRecord | null {
  stage.current = 'KEY_CONVERTER';
  const key = conversion.keyConverter.toConnectData(message.topic, toBuffer(message.key));
  stage.current = 'VALUE_CONVERTER';
  if (conversion.valueJsonText && message.value && scanJsonText(message.value) !== undefined) {
    const { topic, partition, offset, value, timestamp } = message;
    return new JsonTextRecord(topic, partition, String(offset), key, value, headersOf(message), timestamp ?? 0);
  }
  const value = conversion.valueConverter.toConnectData(message.topic, message.value);
  stage.current = 'TRANSFORMATION';
  const converted = {
    topic: message.topic,
    partition: message.partition,
    offset: String(message.offset),
    key,
    value,
    headers: headersOf(message),
    timestamp: message.timestamp ?? 0,
  };
  // no transform to see a TransformRecord: the converted record is the sink record, one object per record
  if (conversion.transform === noTransforms) return converted;
  const record = conversion.transform(converted);
  return record === null ? null : toSinkRecord(record, message);
}

/** The message as consumed, for the error handler and the dead-letter queue. */
export function errantOf(message: Message): ErrantRecord {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: toBuffer(message.key),
    value: message.value,
    ...(message.headers ? { headers: message.headers } : {}),
  };
}

/** A record with no consumed message at hand (made up by the task), encoded again for the error handler. */
export function reencoded(record: SinkRecord, keyConverter: Converter, valueConverter: Converter): ErrantRecord {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: keyConverter.fromConnectData(record.topic, record.key),
    value: valueConverter.fromConnectData(record.topic, record.value),
  };
}

function toSinkRecord(record: TransformRecord, message: Message): SinkRecord {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(record.headers))
    headers[name] = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return {
    topic: record.topic,
    partition: record.partition ?? message.partition,
    offset: record.offset ?? String(message.offset),
    key: record.key,
    value: record.value,
    headers,
    timestamp: record.timestamp ?? message.timestamp ?? 0,
  };
}

function toBuffer(key: Message['key']): Buffer | null {
  if (key === null || key === undefined) return null;
  return Buffer.isBuffer(key) ? key : Buffer.from(String(key));
}

/** The headers of a record consumed without any: one shared frozen object (SinkRecord's are read-only). */
const NO_HEADERS: Readonly<Record<string, Buffer>> = Object.freeze({});

function headersOf(message: Message): Readonly<Record<string, Buffer>> {
  if (message.headers === undefined || message.headers.length === 0) return NO_HEADERS;
  const headers: Record<string, Buffer> = {};
  for (const header of message.headers) {
    for (const [name, value] of Object.entries(header))
      headers[name] = Buffer.isBuffer(value) ? value : Buffer.from(String(value));
  }
  return headers;
}
