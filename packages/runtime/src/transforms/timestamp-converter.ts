import { ConfigError, Type } from '@sluice/sdk';
import { DatePatternError, compileDatePattern } from './date-format.js';
import type { DatePattern } from './date-format.js';
import type { RecordPart, TransformPlugin } from './transform.js';
import { defineTransform, requireMap, variants, withPart } from './transform.js';

const UNIT_MS = { seconds: 1000, milliseconds: 1, microseconds: 0.001, nanoseconds: 0.000001 } as const;

function timestampConverter(part: RecordPart) {
  return defineTransform({
    names: variants('TimestampConverter', part),
    description: `Converts a timestamp field (or the whole record ${part}) between string, unix, Date, Time and Timestamp.`,
    config: Type.Object({
      field: Type.String({ default: '', description: 'The field; empty: the whole value.' }),
      'target.type': Type.String({
        enum: ['string', 'unix', 'Date', 'Time', 'Timestamp'],
        description: 'The type to convert to.',
      }),
      format: Type.String({
        default: '',
        description:
          "Java SimpleDateFormat pattern for string input and output, in UTC, e.g. yyyy-MM-dd'T'HH:mm:ss.SSSXXX (empty: ISO-8601).",
      }),
      'unix.precision': Type.String({
        enum: ['seconds', 'milliseconds', 'microseconds', 'nanoseconds'],
        default: 'milliseconds',
        description: 'Unit of unix timestamps.',
      }),
    }),
    create: (c) => {
      const unit = UNIT_MS[c['unix.precision'] as keyof typeof UNIT_MS];
      const pattern = c.format === '' ? undefined : patternOf(c.format);
      const toMs = (value: unknown): number => {
        if (typeof value === 'number') return value * unit;
        if (typeof value === 'string') return pattern ? pattern.parse(value) : Date.parse(value);
        if (value instanceof Date) return value.getTime();
        throw new Error(`TimestampConverter: cannot read ${JSON.stringify(value)} as a timestamp`);
      };
      const fromMs = (ms: number): unknown => {
        if (Number.isNaN(ms)) throw new Error('TimestampConverter: not a valid timestamp');
        switch (c['target.type']) {
          case 'string':
            return pattern ? pattern.format(ms) : new Date(ms).toISOString();
          case 'unix':
            return Math.trunc(ms / unit);
          case 'Date':
            return Math.floor(ms / 86_400_000) * 86_400_000;
          case 'Time':
            return ms % 86_400_000;
          default:
            return ms;
        }
      };
      return (record) => {
        const data = part === 'key' ? record.key : record.value;
        if (data === null || data === undefined) return record;
        if (c.field === '') return withPart(record, part, fromMs(toMs(data)));
        const map = { ...requireMap(data, 'TimestampConverter', part) };
        if (map[c.field] !== null && map[c.field] !== undefined) map[c.field] = fromMs(toMs(map[c.field]));
        return withPart(record, part, map);
      };
    },
  });
}

/** The compiled pattern, or a ConfigError on `format` naming the letter it cannot take. */
function patternOf(format: string): DatePattern {
  try {
    return compileDatePattern(format);
  } catch (error) {
    if (error instanceof DatePatternError) throw new ConfigError('format', error.message);
    throw error;
  }
}

export const timestampTransforms: TransformPlugin[] = [
  timestampConverter('key'),
  timestampConverter('value'),
] as unknown as TransformPlugin[];
