import type { SinkRecord } from '@sluice/sdk';
import { scanJsonText } from '@sluice/sdk';
import type { Action } from './bulk-body.js';
import { newAction } from './bulk-body.js';
import type { SinkConfig } from './config.js';
import { indexNamer } from './index-names.js';

/** Turns a record into a bulk action; null when it writes nothing (ignored tombstone). Throws for a bad record. */
export type ActionBuilder = (record: SinkRecord) => Action | null;

export function actionBuilder(config: SinkConfig): ActionBuilder {
  const indexOf = indexNamer(config);
  const dataStream = config['data.stream.enabled'];
  return (record) => {
    const index = indexOf(record);
    const id = documentId(record, config);
    const routing = routingOf(record, config);
    if (record.valueJson === undefined && record.value === null) {
      // (a record with valueJson has a value: reading `value` would parse its text)
      if (config['behavior.on.null.values'] === 'fail')
        throw new Error(`tombstone at ${where(record)} and behavior.on.null.values=fail`);
      if (config['behavior.on.null.values'] === 'ignore' || dataStream) return null;
      if (id === undefined)
        throw new Error(
          `cannot delete for a tombstone at ${where(record)}: no document id (null key or id strategy none)`,
        );
      return action(record, index, 'delete', id, routing, versionOf(id, record, config));
    }
    if (!dataStream && config['routing.source'] !== 'field') {
      const text = objectText(record);
      if (text !== undefined) {
        if (config['write.method'] !== 'upsert')
          return action(record, index, 'index', id, routing, versionOf(id, record, config), text);
        return action(
          record,
          index,
          'update',
          id,
          routing,
          undefined,
          Buffer.concat([UPSERT_OPEN, text, UPSERT_CLOSE]),
        );
      }
    }
    const document = documentOf(record);
    if (dataStream) {
      const time = document[config['data.stream.timestamp.field']] ?? new Date(record.timestamp).toISOString();
      const stamped = { ...document, '@timestamp': time };
      return action(record, index, 'create', id, routing, undefined, stamped);
    }
    if (config['write.method'] === 'upsert')
      return action(record, index, 'update', id, routing, undefined, { doc: document, doc_as_upsert: true });
    return action(record, index, 'index', id, routing, versionOf(id, record, config), document);
  };
}

/** An action of its parts as JSON text; `document` is the record's own text (bytes) or an object to serialize. */
function action(
  record: SinkRecord,
  index: string,
  op: Action['op'],
  id: string | undefined,
  routing: string | undefined,
  version: number | string | undefined,
  document?: object | Buffer,
): Action {
  return newAction(
    record,
    index,
    op,
    id === undefined ? undefined : JSON.stringify(id),
    routing === undefined ? undefined : JSON.stringify(routing),
    version === undefined ? undefined : JSON.stringify(version),
    document === undefined || Buffer.isBuffer(document) ? document : JSON.stringify(document),
  );
}

const UPSERT_OPEN = Buffer.from('{"doc":');
const UPSERT_CLOSE = Buffer.from(',"doc_as_upsert":true}');

/** The external version, when the id comes from the key and a version source is set. */
function versionOf(id: string | undefined, record: SinkRecord, config: SinkConfig): number | string | undefined {
  if (id === undefined || config['document.id.strategy'] !== 'key') return undefined;
  switch (config['document.version']) {
    case 'offset':
      return Number(record.offset);
    case 'header':
      return headerVersion(record, config['document.version.header']);
    default:
      return undefined;
  }
}

/**
 * A version header: a decimal integer, or a MongoDB cluster time `seconds.increment`, which maps
 * to MongoDB's own 64-bit timestamp (seconds << 32 | increment), so it orders as MongoDB does.
 * Sent as a decimal string: a 64-bit value does not fit a JSON number exactly.
 */
export function headerVersion(record: SinkRecord, header: string): string {
  const text = record.headers[header]?.toString();
  const match = text === undefined ? null : /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match)
    throw new Error(
      `header ${header} at ${where(record)} is ${text === undefined ? 'missing' : `"${text}", not a version`}`,
    );
  const [, high, low] = match;
  return low === undefined
    ? BigInt(high as string).toString()
    : ((BigInt(high as string) << 32n) | BigInt(low)).toString();
}

function documentId(record: SinkRecord, config: SinkConfig): string | undefined {
  switch (config['document.id.strategy']) {
    case 'key':
      return keyText(record);
    case 'topic.partition.offset':
      return `${record.topic}+${record.partition}+${record.offset}`;
    default:
      return undefined;
  }
}

function keyText(record: SinkRecord): string | undefined {
  if (record.key === null || record.key === undefined) return undefined;
  return typeof record.key === 'object' ? JSON.stringify(record.key) : String(record.key);
}

function routingOf(record: SinkRecord, config: SinkConfig): string | undefined {
  if (config['routing.source'] === 'key') return keyText(record);
  if (config['routing.source'] !== 'field' || record.value === null) return undefined;
  const field = config['routing.field'] ?? '';
  const value = documentOf(record)[field];
  if (value === undefined || value === null)
    throw new Error(`routing field ${field} is missing in the value at ${where(record)}`);
  return typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
}

/**
 * The value's own JSON text (UTF-8 bytes) when it is a JSON object the runtime handed over as
 * text (`valueJson`), a top-level `_id` cut out (see documentOf); else undefined, and the value
 * is serialized. It holds the same document as JSON.stringify(documentOf(record)) would, in the
 * producer's spacing and with every digit of its numbers. It may share memory with `valueJson`:
 * neither is written to.
 */
function objectText(record: SinkRecord): Buffer | undefined {
  const bytes = record.valueJson;
  if (bytes === undefined) return undefined;
  // valueJson is JSON text scanJsonText vouched for: an object starts with `{`; no `"_id"` at all, nothing to cut
  if (bytes[firstNonSpace(bytes)] !== OPEN_BRACE) return undefined;
  if (!mayHoldIdKey(bytes)) return bytes;
  const scan = scanJsonText(bytes, '_id');
  if (scan?.type !== 'object') return undefined;
  if (scan.memberStart < 0) return bytes;
  return Buffer.concat([bytes.subarray(0, scan.memberStart), bytes.subarray(scan.memberEnd)]);
}

const OPEN_BRACE = 0x7b;

/** Whether the bytes hold `"_id"` anywhere (a loop: for ~100 bytes it beats a native indexOf call). */
function mayHoldIdKey(bytes: Buffer): boolean {
  for (let i = 1; i + 3 < bytes.length; i++) {
    if (
      bytes[i] === 0x5f &&
      bytes[i - 1] === 0x22 &&
      bytes[i + 1] === 0x69 &&
      bytes[i + 2] === 0x64 &&
      bytes[i + 3] === 0x22
    )
      return true;
  }
  return false;
}

function firstNonSpace(bytes: Buffer): number {
  let i = 0;
  while (bytes[i] === 0x20 || bytes[i] === 0x09) i++;
  return i;
}

/**
 * The record value as a document: a JSON object (or a string holding one). A top-level `_id` is
 * left out: it is OpenSearch metadata, not a field (MongoDB documents carry one).
 */
function documentOf(record: SinkRecord): Record<string, unknown> {
  let value = record.value;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      // reported below as not an object
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw new Error(`the value at ${where(record)} is not a JSON object`);
  }
  if (!('_id' in value)) return value as Record<string, unknown>; // no copy in the common case
  const { _id: _ignored, ...document } = value as Record<string, unknown>;
  void _ignored;
  return document;
}

const where = (record: SinkRecord) => `${record.topic}-${record.partition}@${record.offset}`;
