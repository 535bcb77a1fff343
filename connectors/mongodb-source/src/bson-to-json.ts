import type { Document } from 'mongodb';

/**
 * BSON values as plain JSON, chosen for search indexing and documented in the README:
 * ObjectId → its 24-hex string, Date → ISO-8601 string, Decimal128 → its decimal string (no
 * precision lost), Long/Int64 → number when safe else string, Binary → base64, UUID → string,
 * Timestamp → { t, i }, nested documents and arrays converted deeply.
 *
 * Converts documents and arrays IN PLACE (and returns them): the task owns the documents the
 * driver has just decoded, and not copying every nested object halves the garbage per event.
 */
export function bsonToJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = bsonToJson(value[i]);
    return value;
  }
  const bsontype = (value as { _bsontype?: string })._bsontype;
  if (bsontype === undefined) {
    const document = value as Document;
    for (const key of Object.keys(document)) {
      const field: unknown = document[key];
      if (typeof field === 'object' || field === undefined) document[key] = bsonToJson(field);
    }
    return document;
  }
  return bsonValueToJson(bsontype, value);
}

function bsonValueToJson(bsontype: string, value: object): unknown {
  switch (bsontype) {
    case 'ObjectId':
      return (value as { toHexString(): string }).toHexString();
    case 'Decimal128':
      return value.toString();
    case 'Long': {
      const long = value as { toNumber(): number; toString(): string };
      const n = long.toNumber();
      return Number.isSafeInteger(n) ? n : long.toString();
    }
    case 'Double':
    case 'Int32':
      return (value as { valueOf(): number }).valueOf();
    case 'Binary':
      return (value as { toString(encoding: string): string }).toString('base64');
    case 'Timestamp':
      return { t: (value as { t: number }).t, i: (value as { i: number }).i };
    default:
      return String(value);
  }
}

/** A document key as a string: the id a sink uses (ObjectId as hex, other types as JSON). */
export function keyOf(id: unknown): string {
  if (typeof id === 'string') return id;
  const plain = bsonToJson(id);
  return typeof plain === 'string' ? plain : JSON.stringify(plain);
}
