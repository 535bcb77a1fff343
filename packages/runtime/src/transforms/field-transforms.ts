import { Type } from '@sluice/sdk';
import type { RecordPart, TransformPlugin, TransformRecord } from './transform.js';
import { defineTransform, requireMap, variants, withPart } from './transform.js';

const list = (description: string) => Type.Array(Type.String(), { default: [], description });

/** Tombstones pass untouched through field-level transforms, as in Connect. */
const passNull = (part: RecordPart, change: (data: unknown) => unknown) => (record: TransformRecord) => {
  const data = part === 'key' ? record.key : record.value;
  return data === null || data === undefined ? record : withPart(record, part, change(data));
};

function insertField(part: RecordPart) {
  return defineTransform({
    names: variants('InsertField', part),
    description: `Adds fields to the record ${part}: a static value and/or the record's topic, partition, offset, timestamp.`,
    config: Type.Object({
      'static.field': Type.String({ default: '', description: 'Field for the static value.' }),
      'static.value': Type.String({ default: '', description: 'The static value.' }),
      'topic.field': Type.String({ default: '', description: 'Field for the topic.' }),
      'partition.field': Type.String({ default: '', description: 'Field for the partition.' }),
      'offset.field': Type.String({ default: '', description: 'Field for the offset (sink records only).' }),
      'timestamp.field': Type.String({ default: '', description: 'Field for the timestamp.' }),
    }),
    create: (c) => (record) => {
      const data = part === 'key' ? record.key : record.value;
      if (data === null || data === undefined) return record;
      const map = { ...requireMap(data, 'InsertField', part) };
      const put = (field: string, value: unknown) => {
        if (field !== '') map[field.replace(/[!?]$/, '')] = value;
      };
      put(c['static.field'], c['static.value']);
      put(c['topic.field'], record.topic);
      put(c['partition.field'], record.partition ?? null);
      put(c['offset.field'], record.offset === undefined ? null : Number(record.offset));
      put(c['timestamp.field'], record.timestamp ?? null);
      return withPart(record, part, map);
    },
  });
}

function replaceField(part: RecordPart) {
  return defineTransform({
    names: variants('ReplaceField', part),
    description: `Keeps (include), drops (exclude) and renames fields of the record ${part}.`,
    config: Type.Object({
      include: list('Fields to keep; empty keeps all.'),
      exclude: list('Fields to drop.'),
      renames: list('Renames as old:new pairs.'),
    }),
    create: (c) => {
      const renames = new Map(c.renames.map((pair) => pair.split(':', 2) as [string, string]));
      return passNull(part, (data) => {
        const out: Record<string, unknown> = {};
        for (const [field, value] of Object.entries(requireMap(data, 'ReplaceField', part))) {
          if (c.exclude.includes(field) || (c.include.length > 0 && !c.include.includes(field))) continue;
          out[renames.get(field) ?? field] = value;
        }
        return out;
      });
    },
  });
}

function maskField(part: RecordPart) {
  return defineTransform({
    names: variants('MaskField', part),
    description: `Replaces fields of the record ${part} with an empty value of their type, or a given replacement.`,
    config: Type.Object({
      fields: Type.Array(Type.String(), { minItems: 1, description: 'Fields to mask.' }),
      replacement: Type.Optional(Type.String({ description: 'The replacement (default: 0, false, "" by type).' })),
    }),
    create: (c) =>
      passNull(part, (data) => {
        const map = { ...requireMap(data, 'MaskField', part) };
        for (const field of c.fields) if (field in map) map[field] = c.replacement ?? emptyOf(map[field]);
        return map;
      }),
  });
}

function emptyOf(value: unknown): unknown {
  if (typeof value === 'number') return 0;
  if (typeof value === 'boolean') return false;
  if (Array.isArray(value)) return [];
  if (typeof value === 'object' && value !== null) return {};
  return '';
}

function extractField(part: RecordPart) {
  return defineTransform({
    names: variants('ExtractField', part),
    description: `Replaces the record ${part} with one of its fields (dotted paths with field.syntax.version=V2).`,
    config: Type.Object({
      field: Type.String({ minLength: 1, description: 'The field to extract.' }),
      'field.syntax.version': Type.String({
        enum: ['V1', 'V2'],
        default: 'V1',
        description: 'V2: dots in field separate nesting levels.',
      }),
    }),
    create: (c) => {
      const path = c['field.syntax.version'] === 'V2' ? c.field.split('.') : [c.field];
      return passNull(part, (data) => {
        let at: unknown = requireMap(data, 'ExtractField', part);
        for (const step of path)
          at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[step] : undefined;
        return at ?? null;
      });
    },
  });
}

function hoistField(part: RecordPart) {
  return defineTransform({
    names: variants('HoistField', part),
    description: `Wraps the record ${part} in a map under one field.`,
    config: Type.Object({ field: Type.String({ minLength: 1, description: 'The field to wrap the data in.' }) }),
    create: (c) => (record) => withPart(record, part, { [c.field]: part === 'key' ? record.key : record.value }),
  });
}

const CASTS: Record<string, (value: unknown) => unknown> = {
  int8: (v) => Math.trunc(Number(v)),
  int16: (v) => Math.trunc(Number(v)),
  int32: (v) => Math.trunc(Number(v)),
  int64: (v) => Math.trunc(Number(v)),
  float32: (v) => Number(v),
  float64: (v) => Number(v),
  boolean: (v) => (typeof v === 'string' ? v === 'true' : Boolean(v)),
  string: (v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)),
};

function cast(part: RecordPart) {
  return defineTransform({
    names: variants('Cast', part),
    description: `Casts fields (field:type list) or the whole record ${part} (one type) to int8..int64, float32, float64, boolean or string.`,
    config: Type.Object({
      spec: Type.Array(Type.String(), {
        minItems: 1,
        description: 'field:type pairs, or one type for the whole value.',
      }),
    }),
    create: (c) => {
      const whole = c.spec.length === 1 && !c.spec[0]?.includes(':') ? castTo(c.spec[0] as string) : undefined;
      const byField = new Map(
        c.spec
          .filter((s) => s.includes(':'))
          .map((s) => s.split(':', 2) as [string, string])
          .map(([f, t]) => [f, castTo(t)]),
      );
      return passNull(part, (data) => {
        if (whole) return whole(data);
        const map = { ...requireMap(data, 'Cast', part) };
        for (const [field, to] of byField)
          if (map[field] !== null && map[field] !== undefined) map[field] = to(map[field]);
        return map;
      });
    },
  });
}

function castTo(type: string): (value: unknown) => unknown {
  const to = CASTS[type];
  if (!to) throw new Error(`Cast: unknown type ${type}; known: ${Object.keys(CASTS).join(', ')}`);
  return (value) => {
    const out = to(value);
    if (typeof out === 'number' && Number.isNaN(out))
      throw new Error(`Cast: ${JSON.stringify(value)} is not a number (${type})`);
    return out;
  };
}

function flatten(part: RecordPart) {
  return defineTransform({
    names: variants('Flatten', part),
    description: `Flattens nested maps of the record ${part} into one level, joining names with the delimiter.`,
    config: Type.Object({ delimiter: Type.String({ default: '.', description: 'Joins nested field names.' }) }),
    create: (c) =>
      passNull(part, (data) => {
        const out: Record<string, unknown> = {};
        const walk = (map: Record<string, unknown>, prefix: string) => {
          for (const [field, value] of Object.entries(map)) {
            const name = prefix === '' ? field : `${prefix}${c.delimiter}${field}`;
            if (typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value))
              walk(value as Record<string, unknown>, name);
            else out[name] = value;
          }
        };
        walk(requireMap(data, 'Flatten', part), '');
        return out;
      }),
  });
}

const valueToKey = defineTransform({
  names: ['org.apache.kafka.connect.transforms.ValueToKey', 'ValueToKey'],
  description: 'Replaces the record key with a map of the given fields of the value.',
  config: Type.Object({
    fields: Type.Array(Type.String(), { minItems: 1, description: 'Value fields that form the key.' }),
  }),
  create: (c) => (record) => {
    if (record.value === null || record.value === undefined) return record;
    const map = requireMap(record.value, 'ValueToKey', 'value');
    return { ...record, key: Object.fromEntries(c.fields.map((field) => [field, map[field] ?? null])) };
  },
});

const both = <T>(make: (part: RecordPart) => T): T[] => [make('key'), make('value')];

export const fieldTransforms: TransformPlugin[] = [
  ...both(insertField),
  ...both(replaceField),
  ...both(maskField),
  ...both(extractField),
  ...both(hoistField),
  ...both(cast),
  ...both(flatten),
  valueToKey,
] as unknown as TransformPlugin[];
