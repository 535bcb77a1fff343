import type { SinkRecord } from '@sluice/sdk';

/**
 * One pending document write, with the record it came from (for reports). Its metadata line is
 * kept in parts and written straight into the bulk body (bulkBody): no string per record for it.
 */
export interface Action {
  readonly record: SinkRecord;
  readonly index: string;
  readonly op: 'index' | 'create' | 'update' | 'delete';
  /** The document id as JSON text (a quoted string), when it has one. */
  readonly idJson: string | undefined;
  /** The routing value as JSON text, when set. */
  readonly routingJson: string | undefined;
  /** The external version as JSON text (a number or a quoted decimal), when set. */
  readonly versionJson: string | undefined;
  /**
   * The document line (JSON, without its newline): the record's own bytes when the runtime handed
   * its value over as text, else serialized once; undefined for a delete.
   */
  readonly source: Buffer | string | undefined;
  /** The action's size in the bulk body: both lines, with their newlines, in UTF-8. */
  readonly bytes: number;
}

/**
 * The parts an action is made of, in bulk-body order, and the action with its exact `bytes`.
 * (Built as one object literal: a spread of the parts would copy them into a second object.)
 */
export function newAction(
  record: SinkRecord,
  index: string,
  op: Action['op'],
  idJson: string | undefined,
  routingJson: string | undefined,
  versionJson: string | undefined,
  source: Buffer | string | undefined,
): Action {
  let bytes = prefixOf(op, index).bytes + META_END.length + 1;
  if (idJson !== undefined) bytes += ID.length + Buffer.byteLength(idJson);
  if (routingJson !== undefined) bytes += ROUTING.length + Buffer.byteLength(routingJson);
  if (versionJson !== undefined) bytes += VERSION.length + versionJson.length + EXTERNAL.length;
  if (source !== undefined) bytes += Buffer.byteLength(source) + 1;
  return { record, index, op, idJson, routingJson, versionJson, source, bytes };
}

/**
 * The NDJSON bulk body of `actions`, in one buffer: per action its metadata line
 * `{"<op>":{"_index":…[,"_id":…][,"routing":…][,"version":…,"version_type":"external"]}}` and
 * its document line, newline-terminated. A buffer, not a string: the documents' own bytes are
 * copied in as they are, and the HTTP client sends it without measuring or encoding it again.
 */
export function bulkBody(actions: readonly Action[]): Buffer {
  let size = 0;
  for (const action of actions) size += action.bytes;
  const body = Buffer.allocUnsafe(size);
  let at = 0;
  for (const action of actions) {
    at = text(body, at, prefixOf(action.op, action.index).text);
    if (action.idJson !== undefined) at = text(body, text(body, at, ID), action.idJson);
    if (action.routingJson !== undefined) at = text(body, text(body, at, ROUTING), action.routingJson);
    if (action.versionJson !== undefined)
      at = text(body, text(body, text(body, at, VERSION), action.versionJson), EXTERNAL);
    at = text(body, at, META_END);
    body[at++] = NEWLINE;
    const { source } = action;
    if (source === undefined) continue;
    if (typeof source === 'string') at = text(body, at, source);
    else {
      body.set(source, at);
      at += source.length;
    }
    body[at++] = NEWLINE;
  }
  if (at !== size) throw new Error(`bulk body of ${at} bytes, ${size} expected`); // Action.bytes broke its promise
  return body;
}

/**
 * Writes `value` in UTF-8 at `at` and returns the index after it. ASCII goes byte by byte (these
 * are short strings: a loop beats a native write call each); the rest is handed to Buffer#write.
 */
function text(body: Buffer, at: number, value: string): number {
  const length = value.length;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x80) return at - i + body.write(value, at - i);
    body[at++] = code;
  }
  return at;
}

const ID = ',"_id":';
const ROUTING = ',"routing":';
const VERSION = ',"version":';
const EXTERNAL = ',"version_type":"external"';
const META_END = '}}';
const NEWLINE = 0x0a;

let lastPrefix = { op: '', index: '', text: '', bytes: 0 };

/** `{"<op>":{"_index":<index as JSON>` and its UTF-8 size, the last one kept: a topic's records mostly share their index. */
function prefixOf(op: Action['op'], index: string): { text: string; bytes: number } {
  if (lastPrefix.op !== op || lastPrefix.index !== index) {
    const text = `{"${op}":{"_index":${JSON.stringify(index)}`;
    lastPrefix = { op, index, text, bytes: Buffer.byteLength(text) };
  }
  return lastPrefix;
}
