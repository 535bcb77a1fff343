import type { SinkRecord } from '@sluice/sdk';
import type { SinkConfig } from './config.js';

const TOKEN = /\$\{(topic|timestamp:([^}]+))\}/g;

/**
 * The target index (or data stream) of a record: topic.index.map first, else index.name.template
 * with ${topic} and ${timestamp:pattern} filled in; prefixed for data streams; lower-cased, as
 * OpenSearch requires.
 */
export function indexNamer(config: SinkConfig): (record: SinkRecord) => string {
  const mapped = new Map(
    config['topic.index.map'].map((pair) => {
      const at = pair.indexOf(':');
      return [pair.slice(0, at), pair.slice(at + 1)] as const;
    }),
  );
  const prefix =
    config['data.stream.enabled'] && config['data.stream.prefix'] ? `${config['data.stream.prefix']}-` : '';
  const template = config['index.name.template'];
  const nameOf = (record: SinkRecord) => {
    const name =
      mapped.get(record.topic) ??
      template.replace(TOKEN, (_all, token: string, pattern?: string) =>
        token === 'topic' ? record.topic : formatUtc(record.timestamp, pattern ?? ''),
      );
    return `${prefix}${name}`.toLowerCase();
  };
  // the name depends on the topic and, with a timestamp token, on the record's UTC hour (formatUtc
  // fills in nothing finer): the last one is kept, as a topic's records mostly share their index
  const timed = template.includes('${timestamp:');
  let last: { topic: string; hour: number; name: string } | undefined;
  return (record) => {
    const hour = timed ? Math.floor(record.timestamp / HOUR_MS) : 0;
    if (last?.topic !== record.topic || last.hour !== hour) last = { topic: record.topic, hour, name: nameOf(record) };
    return last.name;
  };
}

const HOUR_MS = 3_600_000;

/** yyyy MM dd HH of a time in UTC; other characters are kept (e.g. yyyy.MM.dd → 2026.11.25). */
export function formatUtc(time: number, pattern: string): string {
  const date = new Date(time);
  const two = (n: number) => String(n).padStart(2, '0');
  return pattern
    .replaceAll('yyyy', String(date.getUTCFullYear()))
    .replaceAll('MM', two(date.getUTCMonth() + 1))
    .replaceAll('dd', two(date.getUTCDate()))
    .replaceAll('HH', two(date.getUTCHours()));
}
