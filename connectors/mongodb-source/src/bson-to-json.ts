import type { Document } from 'mongodb';

/**
 * BSON values as plain JSON, chosen for search indexing and documented in the README:
 * ObjectId → its 24-hex string, Date → ISO-8601 string, Decimal128 → its decimal string (no
 * precision lost), Long/Int64 → number when safe else string, Binary → base64, UUID → string,
 * Timestamp → { t, i }, nested documents and arrays converted deeply.
 */
export function bsonToJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(bsonToJson);
  if (typeof value !== 'object') return value;
  const bsontype = (value as { _bsontype?: string })._bsontype;
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
    case undefined:
      return Object.fromEntries(Object.entries(value as Document).map(([key, v]) => [key, bsonToJson(v)]));
    default:
      return String(value);
  }
}

/** A document key as a string: the id a sink uses (ObjectId as hex, other types as JSON). */
export function keyOf(id: unknown): string {
  const plain = bsonToJson(id);
  return typeof plain === 'string' ? plain : JSON.stringify(plain);
}
