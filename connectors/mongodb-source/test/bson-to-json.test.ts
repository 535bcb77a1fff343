import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'mongodb';
import { bsonToJson, keyOf } from '@sluice/mongodb-source';

describe('bsonToJson', () => {
  it('turns BSON values into the documented JSON, deeply', () => {
    const id = new ObjectId();
    const document = {
      _id: id,
      at: new Date('2026-01-02T03:04:05.000Z'),
      price: Decimal128.fromString('199.990'),
      small: Long.fromNumber(42),
      big: Long.fromString('9007199254740993'),
      ratio: new Double(0.5),
      count: new Int32(7),
      bytes: new Binary(Buffer.from('hi')),
      ts: new Timestamp({ t: 5, i: 6 }),
      nested: { list: [id, { when: new Date(0) }], missing: undefined, none: null },
    };
    expect(bsonToJson(document)).toEqual({
      _id: id.toHexString(),
      at: '2026-01-02T03:04:05.000Z',
      price: '199.990',
      small: 42,
      big: '9007199254740993',
      ratio: 0.5,
      count: 7,
      bytes: Buffer.from('hi').toString('base64'),
      ts: { t: 5, i: 6 },
      nested: { list: [id.toHexString(), { when: '1970-01-01T00:00:00.000Z' }], missing: null, none: null },
    });
  });

  it('keys: strings as they are, ObjectId as hex, anything else as JSON', () => {
    const id = new ObjectId();
    expect(keyOf('p1')).toBe('p1');
    expect(keyOf(id)).toBe(id.toHexString());
    expect(keyOf(7)).toBe('7');
    expect(keyOf({ region: 'eu', n: Long.fromNumber(1) })).toBe('{"region":"eu","n":1}');
  });
});
