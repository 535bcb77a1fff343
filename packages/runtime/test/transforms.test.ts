import { ConfigError } from '@sluice/sdk';
import type { TransformRecord } from '@sluice/runtime';
import { PREDICATE_PLUGINS, TRANSFORM_PLUGINS, transformChain } from '@sluice/runtime';

const T = 'org.apache.kafka.connect.transforms.';
const base: TransformRecord = {
  topic: 'orders',
  partition: 2,
  offset: '41',
  key: { id: 7 },
  value: {
    id: 7,
    name: 'phone',
    price: '12.5',
    card: '4111',
    meta: { ram: 8, screen: { in: 6.1 } },
    at: 1_700_000_000_000,
  },
  headers: { origin: 'shop' },
  timestamp: 1_700_000_000_000, // 2023-11-14T22:13:20Z
};

/** One transform configured as Connect would be, applied to `record`. */
function apply(type: string, settings: Record<string, string>, record: TransformRecord = base) {
  const config: Record<string, string> = { transforms: 't', 'transforms.t.type': type };
  for (const [key, value] of Object.entries(settings)) config[`transforms.t.${key}`] = value;
  return transformChain(config)(record);
}

describe('field transforms', () => {
  it('InsertField adds static, topic, partition, offset and timestamp fields', () => {
    const out = apply(`${T}InsertField$Value`, {
      'static.field': 'src',
      'static.value': 'sluice',
      'topic.field': 't',
      'partition.field': 'p',
      'offset.field': 'o',
      'timestamp.field': 'ts',
    });
    expect(out?.value).toMatchObject({ src: 'sluice', t: 'orders', p: 2, o: 41, ts: 1_700_000_000_000, id: 7 });
    expect(apply(`${T}InsertField$Key`, { 'topic.field': 't' })?.key).toEqual({ id: 7, t: 'orders' });
  });

  it('ReplaceField includes, excludes and renames', () => {
    expect(apply(`${T}ReplaceField$Value`, { include: 'id,name', renames: 'name:title' })?.value).toEqual({
      id: 7,
      title: 'phone',
    });
    expect(Object.keys(apply(`${T}ReplaceField$Value`, { exclude: 'card,meta' })?.value as object)).toEqual([
      'id',
      'name',
      'price',
      'at',
    ]);
  });

  it('MaskField blanks fields by type or with a replacement', () => {
    expect(apply(`${T}MaskField$Value`, { fields: 'card,id' })?.value).toMatchObject({ card: '', id: 0 });
    expect(apply(`${T}MaskField$Value`, { fields: 'card', replacement: '****' })?.value).toMatchObject({
      card: '****',
    });
  });

  it('ValueToKey, ExtractField and HoistField move data between key and value', () => {
    expect(apply(`${T}ValueToKey`, { fields: 'id,name' })?.key).toEqual({ id: 7, name: 'phone' });
    expect(apply(`${T}ExtractField$Key`, { field: 'id' })?.key).toBe(7);
    expect(apply(`${T}ExtractField$Value`, { field: 'meta.screen.in', 'field.syntax.version': 'V2' })?.value).toBe(6.1);
    expect(apply(`${T}HoistField$Key`, { field: 'k' })?.key).toEqual({ k: { id: 7 } });
  });

  it('Cast converts fields or the whole value', () => {
    expect(apply(`${T}Cast$Value`, { spec: 'price:float64,id:string' })?.value).toMatchObject({ price: 12.5, id: '7' });
    expect(apply(`${T}Cast$Value`, { spec: 'int32' }, { ...base, value: '42.9' })?.value).toBe(42);
    expect(() => apply(`${T}Cast$Value`, { spec: 'name:int32' })).toThrow('Cast: "phone" is not a number (int32)');
  });

  it('Flatten joins nested names with the delimiter', () => {
    expect(apply(`${T}Flatten$Value`, { delimiter: '_' })?.value).toMatchObject({ meta_ram: 8, meta_screen_in: 6.1 });
  });

  it('passes tombstones through and names the transform on a non-map', () => {
    expect(
      apply(`${T}InsertField$Value`, { 'static.field': 'x', 'static.value': 'y' }, { ...base, value: null })?.value,
    ).toBeNull();
    expect(() => apply(`${T}ReplaceField$Value`, { exclude: 'x' }, { ...base, value: 'text' })).toThrow(
      'ReplaceField needs the record value to be a map (JSON object), got string',
    );
  });
});

describe('routing, header and timestamp transforms', () => {
  it('RegexRouter renames whole-name matches only; TimestampRouter names per-day topics', () => {
    expect(apply(`${T}RegexRouter`, { regex: 'ord(.*)', replacement: 'sluice.ord$1' })?.topic).toBe('sluice.orders');
    expect(apply(`${T}RegexRouter`, { regex: 'ord', replacement: 'x' })?.topic).toBe('orders');
    expect(apply(`${T}TimestampRouter`, {})?.topic).toBe('orders-20231114');
    expect(
      apply(`${T}TimestampRouter`, { 'topic.format': 'y${timestamp}.${topic}', 'timestamp.format': 'yyyy-MM' })?.topic,
    ).toBe('y2023-11.orders');
  });

  it('InsertHeader, DropHeaders and HeaderFrom (and its earlier name HeadersFrom) manage headers', () => {
    expect(apply(`${T}InsertHeader`, { header: 'env', 'value.literal': 'prod' })?.headers).toEqual({
      origin: 'shop',
      env: 'prod',
    });
    expect(apply(`${T}DropHeaders`, { headers: 'origin' })?.headers).toEqual({});
    const moved = apply(`${T}HeaderFrom$Value`, { fields: 'id,name', headers: 'h-id,h-name', operation: 'move' });
    expect(moved?.headers).toMatchObject({ 'h-id': '7', 'h-name': 'phone' });
    expect(moved?.value).not.toHaveProperty('name');
    expect(apply(`${T}HeadersFrom$Key`, { fields: 'id', headers: 'k', operation: 'copy' })?.key).toEqual({ id: 7 });
  });

  it('TimestampConverter converts between unix, string and Date', () => {
    expect(apply(`${T}TimestampConverter$Value`, { field: 'at', 'target.type': 'string' })?.value).toMatchObject({
      at: '2023-11-14T22:13:20.000Z',
    });
    expect(
      apply(`${T}TimestampConverter$Value`, { field: 'at', 'target.type': 'string', format: 'yyyy-MM-dd HH:mm' })
        ?.value,
    ).toMatchObject({ at: '2023-11-14 22:13' });
    // unix.precision applies to unix input and output alike, as in Connect
    const iso = { ...base, value: '2023-11-14T22:13:20Z' };
    expect(
      apply(`${T}TimestampConverter$Value`, { 'target.type': 'unix', 'unix.precision': 'seconds' }, iso)?.value,
    ).toBe(1_700_000_000);
    expect(
      apply(
        `${T}TimestampConverter$Value`,
        { 'target.type': 'Timestamp', 'unix.precision': 'seconds' },
        { ...base, value: 1_700_000_000 },
      )?.value,
    ).toBe(1_700_000_000_000);
    expect(
      apply(
        `${T}TimestampConverter$Value`,
        { 'target.type': 'unix', format: 'yyyy-MM-dd' },
        { ...base, value: '2023-11-14' },
      )?.value,
    ).toBe(1_699_920_000_000);
    expect(() => apply(`${T}TimestampConverter$Value`, { field: 'name', 'target.type': 'unix' })).toThrow(
      'TimestampConverter: not a valid timestamp',
    );
  });

  it('Filter with a negated predicate keeps only matching records', () => {
    const chain = transformChain({
      transforms: 'onlyOrders',
      'transforms.onlyOrders.type': `${T}Filter`,
      'transforms.onlyOrders.predicate': 'isOrders',
      'transforms.onlyOrders.negate': 'true',
      predicates: 'isOrders',
      'predicates.isOrders.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
      'predicates.isOrders.pattern': 'ord.*',
    });
    expect(chain(base)).toBe(base);
    expect(chain({ ...base, topic: 'users' })).toBeNull();
  });
});

describe('predicates', () => {
  const dropIf = (type: string, settings: Record<string, string>) => {
    const config: Record<string, string> = {
      transforms: 'f',
      'transforms.f.type': 'Filter',
      'transforms.f.predicate': 'p',
      predicates: 'p',
      'predicates.p.type': type,
    };
    for (const [key, value] of Object.entries(settings)) config[`predicates.p.${key}`] = value;
    return transformChain(config);
  };

  it('HasHeaderKey and RecordIsTombstone select records', () => {
    expect(dropIf('HasHeaderKey', { name: 'origin' })(base)).toBeNull();
    expect(dropIf('HasHeaderKey', { name: 'other' })(base)).toBe(base);
    expect(dropIf('RecordIsTombstone', {})({ ...base, value: null })).toBeNull();
    expect(dropIf('RecordIsTombstone', {})(base)).toBe(base);
  });
});

describe('transform configuration errors', () => {
  it('names the full key and the reason', () => {
    expect(() => transformChain({ transforms: 'a' })).toThrow(new ConfigError('transforms.a.type', 'is required'));
    expect(() => transformChain({ transforms: 'a', 'transforms.a.type': 'com.example.Nope' })).toThrow(
      'transforms.a.type: unknown class com.example.Nope',
    );
    expect(() => transformChain({ transforms: 'a', 'transforms.a.type': `${T}HoistField$Value` })).toThrow(
      'transforms.a.field: Missing required configuration "field" which has no default value.',
    );
    expect(() =>
      transformChain({ transforms: 'a', 'transforms.a.type': 'Filter', 'transforms.a.predicate': 'p' }),
    ).toThrow('transforms.a.predicate: names no predicate in predicates');
  });

  it('has every transform and predicate the runtime promises', () => {
    const simple = (names: readonly string[]) => names[1]; // [full class name, simple name, aliases...]
    expect(TRANSFORM_PLUGINS.map((plugin) => simple(plugin.names)).sort()).toEqual(
      [
        'Cast$Key',
        'Cast$Value',
        'DropHeaders',
        'ExtractField$Key',
        'ExtractField$Value',
        'Filter',
        'Flatten$Key',
        'Flatten$Value',
        'HeaderFrom$Key',
        'HeaderFrom$Value',
        'HoistField$Key',
        'HoistField$Value',
        'InsertField$Key',
        'InsertField$Value',
        'InsertHeader',
        'MaskField$Key',
        'MaskField$Value',
        'RegexRouter',
        'ReplaceField$Key',
        'ReplaceField$Value',
        'TimestampConverter$Key',
        'TimestampConverter$Value',
        'TimestampRouter',
        'ValueToKey',
      ].sort(),
    );
    expect(PREDICATE_PLUGINS.map((plugin) => simple(plugin.names)).sort()).toEqual([
      'HasHeaderKey',
      'RecordIsTombstone',
      'TopicNameMatches',
    ]);
    for (const plugin of [...TRANSFORM_PLUGINS, ...PREDICATE_PLUGINS]) expect(plugin.description).not.toBe('');
  });
});

describe('every map-based transform on malformed input', () => {
  // [type, settings]: each needs the record value to be a JSON object
  const needsMap: [string, Record<string, string>][] = [
    ['InsertField$Value', { 'static.field': 'a', 'static.value': 'b' }],
    ['ReplaceField$Value', { exclude: 'a' }],
    ['MaskField$Value', { fields: 'a' }],
    ['ExtractField$Value', { field: 'a' }],
    ['Cast$Value', { spec: 'a:int32' }],
    ['Flatten$Value', {}],
    ['ValueToKey', { fields: 'a' }],
    ['HeaderFrom$Value', { fields: 'a', headers: 'h', operation: 'copy' }],
    ['TimestampConverter$Value', { field: 'a', 'target.type': 'unix' }],
  ];

  it.each(needsMap)('%s names itself when the value is not a map', (type, settings) => {
    const name = type.replace(/\$.*/, '');
    expect(() => apply(`${T}${type}`, settings, { ...base, value: 'plain text' })).toThrow(
      new RegExp(`^${name} needs the record value to be a map`),
    );
  });

  it('a failing transform is an errant record the chain does not swallow', () => {
    const chain = transformChain({
      transforms: 'c',
      'transforms.c.type': `${T}Cast$Value`,
      'transforms.c.spec': 'name:int64',
    });
    expect(() => chain(base)).toThrow('Cast: "phone" is not a number (int64)');
  });
});
