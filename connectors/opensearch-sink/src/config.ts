import { Secret, Type } from '@sluice/sdk';
import type { ConfigOf } from '@sluice/sdk';

export const config = Type.Object({
  'connection.url': Type.Array(Type.String({ minLength: 1 }), {
    minItems: 1,
    description: 'OpenSearch node URLs, comma-separated (e.g. http://127.0.0.1:9200).',
    importance: 'high',
  }),
  'connection.username': Type.Optional(Type.String({ description: 'User for basic authentication.' })),
  'connection.password': Type.Optional(Secret({ description: 'Password for basic authentication.' })),
  'index.name.template': Type.String({
    default: '${topic}',
    description: 'The index a record goes to; ${topic} is replaced by the record topic.',
  }),
  'document.id.strategy': Type.String({
    enum: ['key', 'topic.partition.offset', 'none'],
    default: 'key',
    description:
      'Document id: the record key (idempotent upserts), topic+partition+offset (idempotent appends), or none (OpenSearch assigns one; redelivery duplicates).',
  }),
  'document.version': Type.String({
    enum: ['offset', 'none'],
    default: 'offset',
    description:
      'With id strategy key: external version = the Kafka offset, so a late or redelivered older change never overwrites a newer one. Reset it to none if the topic is recreated (offsets restart).',
  }),
  'behavior.on.null.values': Type.String({
    enum: ['ignore', 'delete', 'fail'],
    default: 'delete',
    description: 'A tombstone (null value): delete the document with the record key, ignore it, or fail the task.',
  }),
  'behavior.on.malformed.documents': Type.String({
    enum: ['ignore', 'warn', 'report', 'fail'],
    default: 'report',
    description:
      'A document OpenSearch rejects (mapping conflict, bad field): drop it, log it, report it as an errant record (dead-letter queue or failure per errors.tolerance), or fail the task.',
  }),
  'batch.size': Type.Integer({ default: 500, minimum: 1, description: 'Most documents per bulk request.' }),
  'linger.ms': Type.Integer({
    default: 0,
    minimum: 0,
    description:
      'How long put may hold documents to fill a bulk: 0 sends each put at once (lowest latency); above 0, documents wait for the next flush unless batch.size are buffered.',
  }),
  'max.retries': Type.Integer({
    default: 5,
    minimum: 0,
    description:
      'Retries of items OpenSearch answers with 429 or 5xx (and of requests that fail to connect) within one flush, before the runtime retries the flush.',
  }),
  'retry.backoff.ms': Type.Integer({
    default: 100,
    minimum: 1,
    description: 'First retry wait; doubles per retry (with jitter).',
  }),
});

export type SinkConfig = ConfigOf<typeof config>;
