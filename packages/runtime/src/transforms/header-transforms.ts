import { Type } from '@sluice/sdk';
import type { RecordPart, TransformPlugin } from './transform.js';
import { builtin, defineTransform, requireMap, variants, withPart } from './transform.js';

const insertHeader = defineTransform({
  names: builtin('InsertHeader'),
  description: 'Adds a header with a literal value.',
  config: Type.Object({
    header: Type.String({ minLength: 1, description: 'Header name.' }),
    'value.literal': Type.String({ description: 'Header value.' }),
  }),
  create: (c) => (record) => ({ ...record, headers: { ...record.headers, [c.header]: c['value.literal'] } }),
});

const dropHeaders = defineTransform({
  names: builtin('DropHeaders'),
  description: 'Removes headers by name.',
  config: Type.Object({ headers: Type.Array(Type.String(), { minItems: 1, description: 'Header names to drop.' }) }),
  create: (c) => (record) => ({
    ...record,
    headers: Object.fromEntries(Object.entries(record.headers).filter(([name]) => !c.headers.includes(name))),
  }),
});

function headersFrom(part: RecordPart) {
  return defineTransform({
    // Connect's name; HeadersFrom (Sluice's earlier name) still resolves
    names: [...variants('HeaderFrom', part), ...variants('HeadersFrom', part)],
    description: `Copies or moves fields of the record ${part} into headers.`,
    config: Type.Object({
      fields: Type.Array(Type.String(), { minItems: 1, description: 'Fields to take.' }),
      headers: Type.Array(Type.String(), { minItems: 1, description: 'Header names, one per field.' }),
      operation: Type.String({ enum: ['copy', 'move'], description: 'copy keeps the fields; move removes them.' }),
    }),
    create: (c) => {
      if (c.fields.length !== c.headers.length)
        throw new Error('HeaderFrom: fields and headers must have the same length');
      return (record) => {
        const data = part === 'key' ? record.key : record.value;
        if (data === null || data === undefined) return record;
        const map = requireMap(data, 'HeaderFrom', part);
        const headers = { ...record.headers };
        c.fields.forEach((field, i) => {
          const value = map[field];
          headers[c.headers[i] as string] = typeof value === 'string' ? value : JSON.stringify(value ?? null);
        });
        const kept =
          c.operation === 'move'
            ? Object.fromEntries(Object.entries(map).filter(([field]) => !c.fields.includes(field)))
            : map;
        return { ...withPart(record, part, kept), headers };
      };
    },
  });
}

export const headerTransforms: TransformPlugin[] = [
  insertHeader,
  dropHeaders,
  headersFrom('key'),
  headersFrom('value'),
] as unknown as TransformPlugin[];
