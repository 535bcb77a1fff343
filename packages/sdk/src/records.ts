/**
 * Records as connectors see them. A connector never sees Kafka: the runtime converts between
 * these records and Kafka messages with the connector's key and value converters.
 */

/** Where a source record came from and how far the source has read, as the source defines them. */
export type SourcePartition = Readonly<Record<string, unknown>>;
export type SourceOffset = Readonly<Record<string, unknown>>;

/** A record a source task produced. Its offset is stored only after Kafka acknowledged it. */
export interface SourceRecord<V = unknown> {
  readonly sourcePartition: SourcePartition;
  readonly sourceOffset: SourceOffset;
  readonly topic: string;
  readonly key?: unknown;
  readonly value: V | null;
  readonly headers?: Readonly<Record<string, string | Buffer>>;
  /** Milliseconds since the epoch; the runtime uses the produce time when absent. */
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
  readonly headers: Readonly<Record<string, Buffer>>;
  readonly timestamp: number;
}

/** True for a record whose value is null: a delete marker in a compacted topic. */
export function isTombstone(record: { readonly value: unknown }): boolean {
  return record.value === null;
}
