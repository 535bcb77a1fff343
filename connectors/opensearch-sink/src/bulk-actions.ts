import type { SinkRecord } from '@sluice/sdk';
import type { SinkConfig } from './config.js';

/** One pending document write, with the record it came from (for reports). */
export interface Action {
  readonly record: SinkRecord;
  readonly meta: Record<string, unknown>;
  /** The operation: index (with a document) or delete. */
  readonly op: 'index' | 'delete';
  readonly document?: Readonly<Record<string, unknown>>;
}

/** Turns a record into a bulk action; null when the record writes nothing (ignored tombstone). */
export function toAction(record: SinkRecord, config: SinkConfig): Action | null {
  const index = config['index.name.template'].replaceAll('${topic}', record.topic).toLowerCase();
  const id = documentId(record, config);
  const meta: Record<string, unknown> = { _index: index, ...(id === undefined ? {} : { _id: id }) };
  if (id !== undefined && config['document.id.strategy'] === 'key' && config['document.version'] === 'offset') {
    meta.version = Number(record.offset);
    meta.version_type = 'external';
  }
  if (record.value === null) {
    const behavior = config['behavior.on.null.values'];
    if (behavior === 'ignore') return null;
    if (behavior === 'fail')
      throw new Error(
        `tombstone at ${record.topic}-${record.partition}@${record.offset} and behavior.on.null.values=fail`,
      );
    if (id === undefined)
      throw new Error(
        `cannot delete for a tombstone at ${record.topic}-${record.partition}@${record.offset}: no document id (key is null or id strategy none)`,
      );
    return { record, meta, op: 'delete' };
  }
  return { record, meta, op: 'index', document: documentOf(record) };
}

function documentId(record: SinkRecord, config: SinkConfig): string | undefined {
  switch (config['document.id.strategy']) {
    case 'key':
      if (record.key === null || record.key === undefined) return undefined;
      return typeof record.key === 'object' ? JSON.stringify(record.key) : String(record.key);
    case 'topic.partition.offset':
      return `${record.topic}+${record.partition}+${record.offset}`;
    default:
      return undefined;
  }
}

/**
 * The record value as a document: a JSON object (or a string holding one). A top-level `_id` is
 * left out: it is OpenSearch metadata, not a field (MongoDB documents carry one).
 */
function documentOf(record: SinkRecord): Readonly<Record<string, unknown>> {
  let value = record.value;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      // reported below as not an object
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw new Error(`the value at ${record.topic}-${record.partition}@${record.offset} is not a JSON object`);
  }
  const { _id: _ignored, ...document } = value as Record<string, unknown>;
  void _ignored;
  return document;
}

/** The bulk body: action line, then the document for index operations. */
export function bulkLines(actions: readonly Action[]): Record<string, unknown>[] {
  return actions.flatMap((action) =>
    action.op === 'delete' ? [{ delete: action.meta }] : [{ index: action.meta }, action.document ?? {}],
  );
}
