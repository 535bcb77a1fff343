import type { Message, MessageHeader } from '@confluentinc/kafka-javascript';
import zlib from 'node:zlib';
import type { AbortedTransaction } from './fetch-protocol.js';
import { WireReader } from './wire.js';

/** Bytes of a record batch (magic 2) before its first record. */
const BATCH_HEADER = 61;
const COMPRESSION_MASK = 0x07;
const GZIP = 1;
const LOG_APPEND_TIME = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const ABORT_MARKER = 0;

/** A batch this decoder cannot read (a codec other than gzip, an old message format). */
export class UnreadableBatch extends Error {}

export interface DecodedRecords {
  /** The offset to fetch next: past the last complete batch (or `from` when none was complete). */
  readonly nextOffset: number;
}

/**
 * Decodes a partition's record batches (https://kafka.apache.org/documentation/#recordbatch)
 * into `out`, skipping records before `from`, control batches and, when `aborted` is given
 * (read_committed), the batches of aborted transactions. Keys and values are views of `records`
 * (no copy), so a held message keeps its fetch response's memory alive.
 *
 * Decoded message objects share one shape (the client library's Message), built in JavaScript:
 * the point of this path is that V8 builds them far cheaper than the library's native binding.
 */
export function decodeRecordBatches(
  topic: string,
  partition: number,
  records: Buffer,
  from: number,
  aborted: readonly AbortedTransaction[] | undefined,
  out: Message[],
): DecodedRecords {
  const abortedProducers = new Set<number>();
  const pendingAborts = aborted ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : [];
  let nextOffset = from;
  let at = 0;
  while (at + BATCH_HEADER <= records.length) {
    const end = at + 12 + records.readInt32BE(at + 8);
    if (end > records.length) break; // cut short by the fetch size: fetched again next time
    const batch = batchHeader(records, at);
    while (pendingAborts.length > 0 && (pendingAborts[0] as AbortedTransaction).firstOffset <= batch.lastOffset) {
      abortedProducers.add((pendingAborts.shift() as AbortedTransaction).producerId);
    }
    if (batch.attributes & CONTROL) {
      if (aborted && isAbortMarker(records, at + BATCH_HEADER)) abortedProducers.delete(batch.producerId);
    } else if (!(aborted && batch.attributes & TRANSACTIONAL && abortedProducers.has(batch.producerId))) {
      decodeRecords(topic, partition, batch, recordsOf(records, at, end, batch.attributes), from, out);
    }
    nextOffset = Math.max(nextOffset, batch.lastOffset + 1);
    at = end;
  }
  return { nextOffset };
}

interface BatchHeader {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly attributes: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly count: number;
}

function batchHeader(records: Buffer, at: number): BatchHeader {
  const magic = records.readInt8(at + 16);
  if (magic !== 2) throw new UnreadableBatch(`record batch of message format ${magic} (only 2 is read directly)`);
  const reader = new WireReader(records, at);
  const baseOffset = reader.int64();
  const attributes = records.readInt16BE(at + 21);
  const lastOffset = baseOffset + records.readInt32BE(at + 23);
  reader.at = at + 27;
  const baseTimestamp = reader.int64();
  const maxTimestamp = reader.int64();
  const producerId = reader.int64();
  const count = records.readInt32BE(at + 57);
  return { baseOffset, lastOffset, attributes, baseTimestamp, maxTimestamp, producerId, count };
}

function recordsOf(records: Buffer, at: number, end: number, attributes: number): Buffer {
  const body = records.subarray(at + BATCH_HEADER, end);
  const codec = attributes & COMPRESSION_MASK;
  if (codec === 0) return body;
  if (codec === GZIP) return zlib.gunzipSync(body);
  throw new UnreadableBatch(`record batch compressed with codec ${codec} (only none and gzip are read directly)`);
}

/** A control record's key: version int16, type int16 (0 abort, 1 commit). */
function isAbortMarker(records: Buffer, at: number): boolean {
  const reader = new WireReader(records, at);
  reader.varint(); // record length
  reader.int8(); // attributes
  reader.varlong(); // timestamp delta
  reader.varint(); // offset delta
  if (reader.varint() < 4) return false;
  reader.int16(); // version
  return reader.int16() === ABORT_MARKER;
}

function decodeRecords(
  topic: string,
  partition: number,
  batch: BatchHeader,
  body: Buffer,
  from: number,
  out: Message[],
): void {
  const reader = new WireReader(body);
  const logAppendTime = (batch.attributes & LOG_APPEND_TIME) !== 0;
  for (let index = 0; index < batch.count; index++) {
    const length = reader.varint();
    const end = reader.at + length;
    reader.at++; // attributes (unused)
    const timestampDelta = reader.varlong();
    const offset = batch.baseOffset + reader.varint();
    const keyLength = reader.varint();
    const key = keyLength < 0 ? null : reader.view(keyLength);
    const valueLength = reader.varint();
    const value = valueLength < 0 ? null : reader.view(valueLength);
    const headers = readHeaders(reader);
    reader.at = end;
    if (offset < from) continue;
    const timestamp = logAppendTime ? batch.maxTimestamp : batch.baseTimestamp + timestampDelta;
    out.push({ value, size: valueLength < 0 ? 0 : valueLength, key, topic, partition, offset, timestamp, headers });
  }
}

/** The headers of a record without any: one shared frozen array, so every message has one shape. */
const NO_HEADERS = Object.freeze([]) as unknown as MessageHeader[];

/** A record's headers as the library gives them (one object per header); a null value reads as empty. */
function readHeaders(reader: WireReader): MessageHeader[] {
  const count = reader.varint();
  if (count <= 0) return NO_HEADERS;
  const headers: MessageHeader[] = [];
  for (let index = 0; index < count; index++) {
    const name = reader.text(reader.varint());
    const length = reader.varint();
    headers.push({ [name]: length < 0 ? Buffer.alloc(0) : reader.view(length) });
  }
  return headers;
}
