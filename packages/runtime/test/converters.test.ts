import { ConversionError, JsonConverter, byteArrayConverter, converterFor, stringConverter } from '@sluice/runtime';

describe('JsonConverter', () => {
  it('round-trips plain JSON with schemas.enable=false', () => {
    const json = new JsonConverter(false);
    const bytes = json.fromConnectData('t', { id: 1, tags: ['a'] });
    expect(bytes?.toString()).toBe('{"id":1,"tags":["a"]}');
    expect(json.toConnectData('t', bytes)).toEqual({ id: 1, tags: ['a'] });
  });

  it('writes and reads the schema envelope with schemas.enable=true', () => {
    const json = new JsonConverter(true);
    const bytes = json.fromConnectData('t', { id: 1, price: 9.5, name: 'x', ok: true });
    const envelope = JSON.parse(String(bytes));
    expect(envelope.payload).toEqual({ id: 1, price: 9.5, name: 'x', ok: true });
    expect(envelope.schema).toMatchObject({
      type: 'struct',
      fields: [
        { field: 'id', type: 'int64' },
        { field: 'price', type: 'double' },
        { field: 'name', type: 'string' },
        { field: 'ok', type: 'boolean' },
      ],
    });
    expect(json.toConnectData('t', bytes)).toEqual({ id: 1, price: 9.5, name: 'x', ok: true });
  });

  it('writes the inferred schema as the text of its objects, nested structs, arrays and nulls too', () => {
    const json = new JsonConverter(true);
    const value = { id: 7n, 'a"b': null, tags: ['x'], none: [], sub: { on: false, at: 1.5 }, raw: Buffer.from('z') };
    const schema = {
      type: 'struct',
      optional: false,
      fields: [
        { type: 'int64', optional: true, field: 'id' },
        { type: 'string', optional: true, field: 'a"b' },
        { type: 'array', optional: true, items: { type: 'string', optional: false }, field: 'tags' },
        { type: 'array', optional: true, items: { type: 'string', optional: true }, field: 'none' },
        {
          type: 'struct',
          optional: true,
          fields: [
            { type: 'boolean', optional: true, field: 'on' },
            { type: 'double', optional: true, field: 'at' },
          ],
          field: 'sub',
        },
        { type: 'bytes', optional: true, field: 'raw' },
      ],
    };
    const payload = JSON.stringify({ ...value, id: 7 });
    expect(json.fromConnectData('t', value)?.toString()).toBe(
      `{"schema":${JSON.stringify(schema)},"payload":${payload}}`,
    );
    expect(json.fromConnectData('t', [1])?.toString()).toBe(
      '{"schema":{"type":"array","optional":false,"items":{"type":"int64","optional":false}},"payload":[1]}',
    );
    expect(json.fromConnectData('t', 2.5)?.toString()).toBe(
      '{"schema":{"type":"double","optional":false},"payload":2.5}',
    );
  });

  it('writes bigints as numbers, nested too, and still fails on a cycle', () => {
    const json = new JsonConverter(false);
    expect(json.fromConnectData('t', { id: 12n, nested: { big: [1n, 2] } })?.toString()).toBe(
      '{"id":12,"nested":{"big":[1,2]}}',
    );
    const cyclic: Record<string, unknown> = { id: 1n };
    cyclic.self = cyclic;
    expect(() => json.fromConnectData('t', cyclic)).toThrow(/circular/);
  });

  it('writes a string envelope as JSON.stringify would, and reads only exact ones without the full parse', () => {
    const json = new JsonConverter(true);
    const envelope = (payload: unknown) => JSON.stringify({ schema: { type: 'string', optional: false }, payload });
    for (const text of ['', 'plain', '{"id":1,"name":"a\\nb"}', 'quote " and \u2028 and \u00e9']) {
      expect(json.fromConnectData('t', text)?.toString()).toBe(envelope(text));
      expect(json.toConnectData('t', Buffer.from(envelope(text)))).toBe(text);
    }
    const prefix = '{"schema":{"type":"string","optional":false},"payload":';
    // near misses go through the full parse and its checks
    expect(json.toConnectData('t', Buffer.from(`${prefix}{"q":1}}`))).toEqual({ q: 1 });
    expect(() => json.toConnectData('t', Buffer.from(`${prefix}"a","x":1}`))).toThrow(
      /may not contain additional fields/,
    );
    expect(() => json.toConnectData('t', Buffer.from(`${prefix}"a"} }`))).toThrow(ConversionError);
  });

  it('keeps null as a tombstone both ways', () => {
    const json = new JsonConverter(true);
    expect(json.fromConnectData('t', null)).toBeNull();
    expect(json.toConnectData('t', null)).toBeNull();
  });

  it('rejects malformed JSON and a missing envelope with Connect-like messages', () => {
    expect(() => new JsonConverter(false).toConnectData('orders', Buffer.from('{nope'))).toThrow(ConversionError);
    expect(() => new JsonConverter(false).toConnectData('orders', Buffer.from('{nope'))).toThrow(
      /serialization error of topic orders/,
    );
    expect(() => new JsonConverter(true).toConnectData('t', Buffer.from('{"id":1}'))).toThrow(
      /requires "schema" and "payload" fields.*set schemas.enable=false/,
    );
  });
});

describe('string and byte array converters', () => {
  it('convert text and bytes, and refuse what they cannot carry', () => {
    expect(stringConverter.fromConnectData('t', 'héllo')?.toString('utf8')).toBe('héllo');
    expect(stringConverter.toConnectData('t', Buffer.from('héllo'))).toBe('héllo');
    expect(stringConverter.fromConnectData('t', { a: 1 })?.toString()).toBe('{"a":1}');
    const bytes = Buffer.from([0, 255]);
    expect(byteArrayConverter.fromConnectData('t', bytes)).toBe(bytes);
    expect(byteArrayConverter.toConnectData('t', bytes)).toBe(bytes);
    expect(() => byteArrayConverter.fromConnectData('t', 'text')).toThrow('ByteArrayConverter needs bytes, got string');
  });
});

describe('converterFor', () => {
  it('takes Connect class names with their settings, and short names', () => {
    const config = {
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    };
    expect(converterFor('value', config).fromConnectData('t', { a: 1 })?.toString()).toBe('{"a":1}');
    expect(converterFor('key', { 'key.converter': 'string' })).toBe(stringConverter);
    expect(() => converterFor('key', { 'key.converter': 'com.example.Avro' })).toThrow(
      'key.converter: unknown converter com.example.Avro',
    );
  });
});

describe("Connect's fixed-width converters", () => {
  const named = (name: string) =>
    converterFor('value', { 'value.converter': `org.apache.kafka.connect.converters.${name}` });

  it('write big-endian bytes of Connect widths and read them back', () => {
    const cases: [string, unknown, string][] = [
      ['ShortConverter', -2, 'fffe'],
      ['IntegerConverter', 258, '00000102'],
      ['LongConverter', 1, '0000000000000001'],
      ['FloatConverter', 1.5, '3fc00000'],
      ['DoubleConverter', -0.5, 'bfe0000000000000'],
      ['BooleanConverter', true, '01'],
    ];
    for (const [name, value, hex] of cases) {
      const converter = named(name);
      const bytes = converter.fromConnectData('t', value);
      expect([name, bytes?.toString('hex')]).toEqual([name, hex]);
      expect(converter.toConnectData('t', bytes)).toEqual(value);
      expect(converter.fromConnectData('t', null)).toBeNull();
    }
    expect(named('LongConverter').toConnectData('t', Buffer.from('7fffffffffffffff', 'hex'))).toBe(2n ** 63n - 1n);
  });

  it('refuse bytes of another width and data of another kind', () => {
    expect(() => named('IntegerConverter').toConnectData('t', Buffer.from([1, 2]))).toThrow(
      new ConversionError('IntegerConverter needs 4 bytes, got 2'),
    );
    expect(() => named('BooleanConverter').fromConnectData('t', 'yes')).toThrow(ConversionError);
    expect(() => named('DoubleConverter').fromConnectData('t', { a: 1 })).toThrow(/DoubleConverter needs a number/);
  });
});
