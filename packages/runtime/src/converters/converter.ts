/**
 * Turns a record's key or value into Kafka bytes and back, as Kafka Connect's converters do.
 * Plain synchronous functions: they run per record on the hot path.
 */
export interface Converter {
  /** Connect data → bytes for Kafka; null stays null (a tombstone or absent key). */
  fromConnectData(topic: string, data: unknown): Buffer | null;
  /** Kafka bytes → Connect data. Throws a ConversionError for bytes it cannot read. */
  toConnectData(topic: string, bytes: Buffer | null): unknown;
}

/** Bytes a converter cannot read (malformed JSON, a missing envelope): an errant record. */
export class ConversionError extends Error {
  override readonly name = 'ConversionError';
}
