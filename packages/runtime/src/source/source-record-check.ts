import type { SourceRecord } from '@sluice/sdk';

/**
 * A record poll() returned that the runtime cannot send: a bug in the connector, so the task
 * fails whatever `errors.tolerance` says (as Connect fails on a bad SourceRecord), before any
 * record of the batch reaches Kafka. Names the record's index in the batch and the field.
 */
export class MalformedRecordError extends Error {
  override readonly name = 'MalformedRecordError';

  /**
   * @param index the record's position in the array poll() returned, from 0
   * @param field the field at fault (`headers.<name>` for one header), '' for the record itself
   */
  constructor(
    readonly index: number,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`poll() returned record ${index} ${problem}${field === '' ? '' : ` (field "${field}")`}`);
  }
}

/**
 * Checks a batch from poll() before anything of it is converted or produced; throws a TypeError
 * for a result that is not an array, a MalformedRecordError for the first bad record. Runs for
 * every record: type tests only, no allocation unless it throws.
 */
export function checkSourceRecords(records: unknown): asserts records is SourceRecord[] {
  if (!Array.isArray(records)) throw new TypeError(`poll() returned ${kindOf(records)}, not an array of records`);
  for (let index = 0; index < records.length; index++) checkRecord(records[index] as SourceRecord, index);
}

function checkRecord(record: SourceRecord, index: number): void {
  if (typeof record !== 'object' || record === null)
    throw new MalformedRecordError(index, '', `that is ${kindOf(record)}, not a record object`);
  const { topic } = record;
  if (typeof topic !== 'string' || topic === '')
    throw new MalformedRecordError(
      index,
      'topic',
      topic === '' ? 'with an empty topic' : wrong(topic, 'topic', 'a string'),
    );
  if (!isMap(record.sourcePartition))
    throw new MalformedRecordError(index, 'sourcePartition', wrong(record.sourcePartition, 'sourcePartition'));
  if (!isMap(record.sourceOffset))
    throw new MalformedRecordError(index, 'sourceOffset', wrong(record.sourceOffset, 'sourceOffset'));
  if (record.value === undefined)
    throw new MalformedRecordError(index, 'value', "whose value is undefined (a tombstone's value is null)");
  if (record.headers !== undefined) checkHeaders(record.headers, index);
  const { timestamp } = record;
  if (timestamp !== undefined && !(Number.isInteger(timestamp) && timestamp >= 0)) {
    const shown = typeof timestamp === 'number' ? String(timestamp) : kindOf(timestamp);
    throw new MalformedRecordError(
      index,
      'timestamp',
      `whose timestamp is ${shown}, not ms since the epoch (an integer >= 0)`,
    );
  }
}

function checkHeaders(headers: SourceRecord['headers'], index: number): void {
  if (!isMap(headers)) throw new MalformedRecordError(index, 'headers', wrong(headers, 'headers'));
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue;
    const value = headers[name];
    if (typeof value !== 'string' && !Buffer.isBuffer(value))
      throw new MalformedRecordError(
        index,
        `headers.${name}`,
        `whose header "${name}" is ${kindOf(value)}, not a string or a Buffer`,
      );
  }
}

/** An object that is not null and not an array: a source partition, offset or headers map. */
function isMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "with no topic" when absent, else "whose topic is a number, not a string". */
function wrong(value: unknown, field: string, expected = 'an object'): string {
  if (value === undefined) return `with no ${field}`;
  return `whose ${field} ${field === 'headers' ? 'are' : 'is'} ${kindOf(value)}, not ${expected}`;
}

/** The kind of a value, for messages: never the value itself (it may be large or secret). */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return `${type === 'object' ? 'an' : 'a'} ${type}`;
}
