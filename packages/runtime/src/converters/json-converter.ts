import type { Converter } from './converter.js';
import { ConversionError } from './converter.js';

/** The same text as JSON.stringify({ schema: { type: 'string', optional: false }, payload }) up to the payload. */
const STRING_ENVELOPE = '{"schema":{"type":"string","optional":false},"payload":';

/**
 * `org.apache.kafka.connect.json.JsonConverter`. With `schemas.enable` (Connect's default) each
 * message is `{ "schema": ..., "payload": ... }`; Sluice infers the schema from the value when
 * writing (JavaScript values carry no Connect schema) and returns the payload when reading.
 */
export class JsonConverter implements Converter {
  constructor(private readonly schemasEnable: boolean) {}

  /** True when reading is JSON.parse of the bytes and nothing else (schemas.enable=false). */
  get readsPlainJson(): boolean {
    return !this.schemasEnable;
  }

  fromConnectData(_topic: string, data: unknown): Buffer | null {
    if (data === null || data === undefined) return null;
    // a string (a file line, a text payload): the envelope's fixed text around it, no objects built
    if (typeof data === 'string' && this.schemasEnable)
      return Buffer.from(STRING_ENVELOPE + JSON.stringify(data) + '}');
    if (!this.schemasEnable) return Buffer.from(jsonOf(data));
    return Buffer.from(`{"schema":${schemaText(data, false, '')},"payload":${jsonOf(data)}}`);
  }

  toConnectData(topic: string, bytes: Buffer | null): unknown {
    if (bytes === null) return null;
    if (this.schemasEnable) {
      const payload = stringPayload(bytes);
      if (payload !== undefined) return payload;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new ConversionError(
        `Converting byte[] to Kafka Connect data failed due to serialization error of topic ${topic}: ${(error as Error).message}`,
      );
    }
    if (!this.schemasEnable) return parsed;
    if (!isEnvelope(parsed)) {
      throw new ConversionError(
        'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. ' +
          'If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.',
      );
    }
    return parsed.payload;
  }
}

const STRING_ENVELOPE_BYTES = Buffer.from(STRING_ENVELOPE);
const CLOSING_BRACE = 0x7d;

/**
 * The payload of an envelope written exactly as fromConnectData writes a string (and Connect's
 * JsonConverter does): the fixed prefix, one JSON string, `}`. Anything else (other spacing, field
 * order, more fields, not a string): undefined, and the full parse decides.
 */
function stringPayload(bytes: Buffer): string | undefined {
  const start = STRING_ENVELOPE_BYTES.length;
  if (bytes.length <= start + 2 || bytes[bytes.length - 1] !== CLOSING_BRACE) return undefined;
  if (bytes.compare(STRING_ENVELOPE_BYTES, 0, start, 0, start) !== 0) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(bytes.toString('utf8', start, bytes.length - 1));
  } catch {
    return undefined;
  }
  return typeof payload === 'string' ? payload : undefined;
}

function isEnvelope(value: unknown): value is { schema: unknown; payload: unknown } {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && keys.includes('schema') && keys.includes('payload');
}

/**
 * The inferred Connect schema of `value` as JSON text, written directly rather than built as
 * objects and stringified (a hot path of every source with object values; building them with
 * spreads cost 3-6x the time). The text is what JSON.stringify gives for the schema objects Connect's envelope holds: `type`,
 * `optional`, then `fields` (struct) or `items` (array), then `field` for a struct's field; a
 * struct's fields are optional, and so is the schema of a null. `fieldName` is '' outside a struct.
 */
function schemaText(value: unknown, optional: boolean, fieldName: string): string {
  const field = fieldName === '' ? '' : `,"field":${fieldName}`;
  if (value === null || value === undefined) return `{"type":"string","optional":true${field}}`;
  const head = (type: string) => `{"type":"${type}","optional":${optional}`;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return `${head(typeof value)}${field}}`;
    case 'bigint':
      return `${head('int64')}${field}}`;
    case 'number':
      return `${head(Number.isInteger(value) ? 'int64' : 'double')}${field}}`;
  }
  if (Buffer.isBuffer(value)) return `${head('bytes')}${field}}`;
  if (Array.isArray(value)) return `${head('array')},"items":${schemaText(value[0], false, '')}${field}}`;
  const record = value as Record<string, unknown>;
  const fields = Object.keys(record).map((key) => schemaText(record[key], true, JSON.stringify(key)));
  return `${head('struct')},"fields":[${fields.join(',')}]${field}}`;
}

/**
 * JSON text with bigints written as numbers. A replacer function makes every stringify several
 * times slower, so it is used only when the plain one throws (a bigint inside): same output.
 */
function jsonOf(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch {
    return JSON.stringify(body, bigintAsNumber);
  }
}

function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}
