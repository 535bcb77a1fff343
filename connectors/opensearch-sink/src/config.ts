import { Secret, Type } from '@sluice/sdk';
import type { ConfigOf } from '@sluice/sdk';

const connection = {
  'connection.url': Type.Array(Type.String({ minLength: 1 }), {
    minItems: 1,
    description: 'OpenSearch node URLs, comma-separated (e.g. http://127.0.0.1:9200 or https://...).',
    importance: 'high',
  }),
  'connection.username': Type.Optional(Type.String({ description: 'User for basic authentication.' })),
  'connection.password': Type.Optional(Secret({ description: 'Password for basic authentication.' })),
  'connection.tls.ca.file': Type.Optional(
    Type.String({ description: 'PEM file of the CA that signed the OpenSearch certificate (https URLs).' }),
  ),
  'connection.tls.verify': Type.Boolean({
    default: true,
    description: 'Verify the OpenSearch certificate (https URLs). Turn off only for tests.',
  }),
  'connection.timeout.ms': Type.Integer({
    default: 30_000,
    minimum: 1,
    description: 'Most time one bulk request may take before it counts as failed (and is retried).',
  }),
};

const routing = {
  'index.name.template': Type.String({
    default: '${topic}',
    description:
      'The index (or data stream) a record goes to: ${topic} is the record topic, ${timestamp:yyyy.MM.dd} its timestamp (UTC; tokens yyyy MM dd HH). Lower-cased.',
  }),
  'topic.index.map': Type.Array(Type.String({ pattern: '^[^:]+:[^:]+$' }), {
    default: [],
    description:
      'topic:index pairs, comma-separated; a mapped topic goes to that index instead of index.name.template.',
  }),
  'index.mappings': Type.Optional(
    Type.String({
      description:
        'Mappings JSON (e.g. {"properties":{"price":{"type":"float"}}}) given to every index the task creates; with it the task creates each index before its first write.',
    }),
  ),
  'index.settings': Type.Optional(
    Type.String({
      description: 'Index settings JSON (e.g. {"number_of_shards":1}) for every index the task creates, as mappings.',
    }),
  ),
  'routing.source': Type.String({
    enum: ['none', 'key', 'field'],
    default: 'none',
    description:
      'Shard routing: OpenSearch default (by id), the record key, or a value field (routing.field; tombstones cannot be routed then, so behavior.on.null.values must be ignore or fail).',
  }),
  'routing.field': Type.Optional(
    Type.String({
      description: 'With routing.source=field: the top-level value field whose value routes the document.',
    }),
  ),
  'data.stream.enabled': Type.Boolean({
    default: false,
    description:
      'Append-only data: write to data streams (op_type create, no versions; tombstones skipped unless behavior.on.null.values=fail). The task creates a matching index template and the stream.',
  }),
  'data.stream.prefix': Type.String({
    default: '',
    description: 'When set, the data stream name is {prefix}-{index name} (e.g. logs → logs-orders).',
  }),
  'data.stream.timestamp.field': Type.String({
    default: '@timestamp',
    description:
      'The value field whose value becomes @timestamp (data streams require it); when the document lacks it, the record timestamp is used.',
  }),
};

const writes = {
  'write.method': Type.String({
    enum: ['insert', 'upsert'],
    default: 'insert',
    description:
      'insert replaces the whole document; upsert merges the value into it (update with doc_as_upsert). upsert needs document.version=none (OpenSearch updates take no external version).',
  }),
  'document.id.strategy': Type.String({
    enum: ['key', 'topic.partition.offset', 'none'],
    default: 'key',
    description:
      'Document id: the record key (idempotent upserts), topic+partition+offset (idempotent appends), or none (OpenSearch assigns one; redelivery duplicates).',
  }),
  'document.version': Type.String({
    enum: ['offset', 'header', 'none'],
    default: 'offset',
    description:
      'With id strategy key: external version, so a late or redelivered older change never overwrites a newer one: the Kafka offset (reset to none if the topic is recreated), or a header the source stamps (document.version.header).',
  }),
  'document.version.header': Type.String({
    default: 'mongodb.cluster.time',
    description:
      'With document.version=header: the header holding the version, a decimal integer or a MongoDB cluster time seconds.increment (as the MongoDB source stamps).',
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
};

const flow = {
  'batch.size': Type.Integer({ default: 500, minimum: 1, description: 'Most documents per bulk request.' }),
  'bulk.size.bytes': Type.Integer({
    default: 5_242_880,
    minimum: 1,
    description: 'Most bytes per bulk request body (a single larger document is sent alone).',
  }),
  'linger.ms': Type.Integer({
    default: 0,
    minimum: 0,
    description:
      'How long a partial bulk may wait for more documents: 0 sends each put at once (lowest latency); a full batch.size is sent at once either way.',
  }),
  'max.in.flight.requests': Type.Integer({
    default: 5,
    minimum: 1,
    description:
      'Bulk requests in flight at once. Above 1, bulks may complete out of order: harmless with external versions or distinct ids; with key ids and document.version=none the task sends one bulk at a time instead, to keep order.',
  }),
  'max.buffered.records': Type.Integer({
    default: 20_000,
    minimum: 1,
    description:
      'Records held (waiting, in flight or to retry) before put blocks; the runtime then pauses consumption (back-pressure).',
  }),
  'flush.timeout.ms': Type.Integer({
    default: 180_000,
    minimum: 1,
    description:
      'Most time one flush may take; then it fails retriably (offsets stay uncommitted, the runtime retries), never hangs.',
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
    description: 'First retry wait; doubles per retry (with jitter), capped at 10 s.',
  }),
};

export const config = Type.Object({ ...connection, ...routing, ...writes, ...flow });

export type SinkConfig = ConfigOf<typeof config>;
