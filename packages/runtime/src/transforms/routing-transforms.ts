import { Type } from '@sluice/sdk';
import { formatDate } from './date-format.js';
import type { TransformPlugin } from './transform.js';
import { builtin, defineTransform } from './transform.js';

const regexRouter = defineTransform({
  names: builtin('RegexRouter'),
  description: 'Renames the topic when the whole name matches the regex (Java-style $1 groups in the replacement).',
  config: Type.Object({
    regex: Type.String({ minLength: 1, description: 'Regular expression the whole topic name must match.' }),
    replacement: Type.String({ description: 'The new topic name.' }),
  }),
  create: (c) => {
    const regex = new RegExp(`^(?:${c.regex})$`);
    return (record) =>
      regex.test(record.topic) ? { ...record, topic: record.topic.replace(regex, c.replacement) } : record;
  },
});

const timestampRouter = defineTransform({
  names: builtin('TimestampRouter'),
  description: 'Routes each record to a topic named from its topic and timestamp (e.g. per-day topics).',
  config: Type.Object({
    'topic.format': Type.String({
      default: '${topic}-${timestamp}',
      description: 'Template with ${topic} and ${timestamp}.',
    }),
    'timestamp.format': Type.String({ default: 'yyyyMMdd', description: 'SimpleDateFormat-style pattern, UTC.' }),
  }),
  create: (c) => (record) => {
    if (record.timestamp === undefined) throw new Error('TimestampRouter needs a record timestamp');
    const topic = c['topic.format']
      .replaceAll('${topic}', record.topic)
      .replaceAll('${timestamp}', formatDate(record.timestamp, c['timestamp.format']));
    return { ...record, topic };
  },
});

const filter = defineTransform({
  names: builtin('Filter'),
  description: 'Drops every record (use it with a predicate to drop only some).',
  config: Type.Object({}),
  create: () => () => null,
});

export const routingTransforms: TransformPlugin[] = [
  regexRouter,
  timestampRouter,
  filter,
] as unknown as TransformPlugin[];
