/**
 * Records as connectors see them. A connector never sees Kafka: the runtime converts between
 * these records and Kafka messages with the connector's key and value converters.
 */

/** Where a source record came from and how far the source has read, as the source defines them. */
export type SourcePartition = Readonly<Record<string, unknown>>;
export type SourceOffset = Readonly<Record<string, unknown>>;

/**
 * A record a source task produced. Its offset is stored only after Kafka acknowledged it.
 *
 * The runtime checks each record poll() returns before any of its batch reaches Kafka; one that
 * breaks a rule below fails the task (a bug in the connector, not a bad record to tolerate) with
 * an error naming the record's index in the batch and the field.
 */
export interface SourceRecord<V = unknown> {
  /** Required: an object (may be empty), e.g. `{ ns: 'shop.products' }`; JSON-serialisable. */
  readonly sourcePartition: SourcePartition;
  /** Required: an object, e.g. `{ resumeToken }`; stored per partition as JSON. */
  readonly sourceOffset: SourceOffset;
  /** Required: a non-empty string (transforms such as RegexRouter may change it afterwards). */
  readonly topic: string;
  /** Anything the key converter takes; absent or undefined: a null key. */
  readonly key?: unknown;
  /** Required: `null` is a tombstone (a delete in a compacted topic); `undefined` is refused. */
  readonly value: V | null;
  /** Absent, or an object whose values are strings or Buffers. */
  readonly headers?: Readonly<Record<string, string | Buffer>>;
  /** Milliseconds since the epoch, an integer >= 0; absent (or 0): the time it is produced. */
  readonly timestamp?: number;
}

/** A Kafka topic partition, as a sink task's `open` and `closePartitions` name them. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A record handed to a sink task. */
export interface SinkRecord<V = unknown> {
  readonly topic: string;
  readonly partition: number;
  /** The Kafka offset as a decimal string: offsets are 64-bit and exceed Number's safe range. */
  readonly offset: string;
  readonly key: unknown;
  readonly value: V | null;
  /**
   * The value's JSON text as consumed, given only to a sink that declares `valueJsonText` (see
   * SinkDefinition), when the value converter is JsonConverter with `schemas.enable=false`, no
   * transform runs, and `scanJsonText` vouches for the bytes. Then `JSON.parse` of these bytes
   * is `value`, and `value` is parsed only when first read.
   */
  readonly valueJson?: Buffer;
  readonly headers: Readonly<Record<string, Buffer>>;
  readonly timestamp: number;
}

/** True for a record whose value is null: a delete marker in a compacted topic. */
export function isTombstone(record: { readonly value: unknown }): boolean {
  return record.value === null;
}
