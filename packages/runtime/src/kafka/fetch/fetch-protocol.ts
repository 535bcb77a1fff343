import { WireReader, WireWriter } from './wire.js';

/** Fetch v11 (Kafka 2.3+; Kafka 4 serves v4–v17): topics by name, no tagged fields. */
export const FETCH_API_KEY = 1;
export const FETCH_VERSION = 11;

export const ERROR_NONE = 0;
export const ERROR_OFFSET_OUT_OF_RANGE = 1;
/**
 * Partition errors that mean "ask for the leader again, then retry": 3 unknown topic or
 * partition, 5 leader not available, 6 not leader or follower, 9 replica not available, 56 Kafka
 * storage error, 74 fenced leader epoch, 75 unknown leader epoch, 78 offset not available.
 */
export const RETRIABLE_PARTITION_ERRORS: ReadonlySet<number> = new Set([3, 5, 6, 9, 56, 74, 75, 78]);

export interface FetchLimits {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly partitionMaxBytes: number;
  /** 0 read_uncommitted, 1 read_committed. */
  readonly isolationLevel: 0 | 1;
}

export interface FetchPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface AbortedTransaction {
  readonly producerId: number;
  readonly firstOffset: number;
}

export interface FetchedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly aborted: readonly AbortedTransaction[];
  /** The partition's record batches, a view of the response; the last one may be cut short. */
  readonly records: Buffer;
}

/** A full fetch (no fetch session) of the given positions, grouped by topic. */
export function fetchRequest(positions: readonly FetchPosition[], limits: FetchLimits): Buffer {
  const byTopic = new Map<string, FetchPosition[]>();
  for (const position of positions) {
    const list = byTopic.get(position.topic);
    if (list) list.push(position);
    else byTopic.set(position.topic, [position]);
  }
  const writer = new WireWriter()
    .int32(-1) // replica id: a consumer
    .int32(limits.maxWaitMs)
    .int32(limits.minBytes)
    .int32(limits.maxBytes)
    .int8(limits.isolationLevel)
    .int32(0) // session id
    .int32(-1) // session epoch: no session
    .int32(byTopic.size);
  for (const [topic, list] of byTopic) {
    writer.string(topic).int32(list.length);
    for (const { partition, offset } of list) {
      writer.int32(partition).int32(-1).int64(offset).int64(-1).int32(limits.partitionMaxBytes);
    }
  }
  return writer.int32(0).string('').bytes(); // no forgotten topics, no rack
}

/** The partitions of a Fetch v11 answer; a top-level error is thrown. */
export function fetchResponse(body: Buffer): FetchedPartition[] {
  const reader = new WireReader(body);
  reader.int32(); // throttle time
  const errorCode = reader.int16();
  reader.int32(); // session id
  if (errorCode !== ERROR_NONE) throw new Error(`fetch refused by the broker: error code ${errorCode}`);
  const partitions: FetchedPartition[] = [];
  for (let topics = reader.int32(); topics > 0; topics--) {
    const topic = reader.string();
    for (let count = reader.int32(); count > 0; count--) partitions.push(fetchedPartition(reader, topic));
  }
  return partitions;
}

function fetchedPartition(reader: WireReader, topic: string): FetchedPartition {
  const partition = reader.int32();
  const errorCode = reader.int16();
  const highWatermark = reader.int64();
  reader.int64(); // last stable offset
  reader.int64(); // log start offset
  const aborted: AbortedTransaction[] = [];
  for (let count = reader.int32(); count > 0; count--) {
    aborted.push({ producerId: reader.int64(), firstOffset: reader.int64() });
  }
  reader.int32(); // preferred read replica
  const length = reader.int32();
  const records = reader.view(length < 0 ? 0 : length);
  return { topic, partition, errorCode, highWatermark, aborted, records };
}
