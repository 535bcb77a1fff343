import { Secret, Type } from '@sluice/sdk';
import type { ConfigOf } from '@sluice/sdk';
import { NAMESPACE_MAP_PATTERN, TOPIC_PART_PATTERN } from './topic-names.js';

/** A string field with a closed set of values, typed as their union. */
const choice = <T extends string>(values: readonly T[], fallback: T, description: string) =>
  Type.Unsafe<T>(Type.String({ enum: [...values], default: fallback, description }));

export const config = Type.Object({
  'connection.uri': Secret({
    description:
      'MongoDB connection string of a replica set (change streams need one); secret because it may hold credentials.',
    importance: 'high',
  }),
  database: Type.Optional(
    Type.String({ minLength: 1, description: 'Database to watch; empty: the whole deployment.' }),
  ),
  collection: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Collection to watch, or a comma-separated list of collections (needs database); empty: the whole database. A list is split over tasks.max.',
    }),
  ),
  'namespace.include.list': Type.String({
    default: '',
    description:
      'Comma-separated regular expressions matched against the whole `db.collection`; when set, only matching namespaces are published.',
  }),
  'namespace.exclude.list': Type.String({
    default: '',
    description: 'Comma-separated regular expressions matched against the whole `db.collection`; matches are dropped.',
  }),
  pipeline: Type.String({
    default: '[]',
    pattern: '^\\s*\\[[\\s\\S]*\\]\\s*$', // a JSON array; its stages are checked when the task starts
    description:
      'Aggregation stages (a JSON array) appended to the change stream, e.g. [{"$match":{"operationType":"insert"}}].',
  }),
  'topic.prefix': Type.String({
    default: '',
    pattern: TOPIC_PART_PATTERN,
    description:
      'Joined with "." before the topic name: `<prefix>.<database>.<collection>`, as in MongoDB\'s Kafka connector. Letters, digits, ".", "_", "-".',
  }),
  'topic.suffix': Type.String({
    default: '',
    pattern: TOPIC_PART_PATTERN,
    description:
      'Joined with "." after the topic name: `<database>.<collection>.<suffix>`, as in MongoDB\'s Kafka connector. Letters, digits, ".", "_", "-".',
  }),
  'topic.namespace.map': Type.String({
    default: '',
    pattern: NAMESPACE_MAP_PATTERN,
    description:
      'A JSON object naming topics by namespace, as in MongoDB\'s Kafka connector: `{"shop.products": "catalogue"}` sends shop.products to catalogue; `{"shop": "store"}` sends `shop.<collection>` to `store.<collection>`; `{"*": "all"}` sends the rest to all. A "db.collection" key wins over a "db" key, which wins over "*"; unmatched namespaces keep `<database>.<collection>`. topic.prefix and topic.suffix are added to mapped names too.',
  }),
  'output.format': choice(
    ['document', 'envelope'] as const,
    'document',
    'document: the value is the full document, a delete is a tombstone. envelope: the change event (op, before, after, updateDescription, ns, documentKey, clusterTime).',
  ),
  'full.document': choice(
    ['updateLookup', 'whenAvailable', 'required', 'off'] as const,
    'updateLookup',
    'How an update event gets the whole document: looked up at read time, from post-images, or not at all (off: envelope output only).',
  ),
  'full.document.before.change': choice(
    ['off', 'whenAvailable', 'required'] as const,
    'off',
    "Pre-images (`before` in the envelope); needs the collection's changeStreamPreAndPostImages option (MongoDB 6.0+).",
  ),
  'startup.mode': choice(
    ['latest', 'timestamp', 'copy_existing'] as const,
    'latest',
    'Where a connector without a stored offset starts: new changes only, changes since startup.timestamp, or a copy of the existing documents followed by the changes since the copy began.',
  ),
  'startup.timestamp': Type.String({
    default: '',
    description:
      'For startup.mode=timestamp: an ISO-8601 date-time, or a cluster time `<seconds>.<increment>` as in the mongodb.cluster.time header.',
  }),
  'history.lost.policy': choice(
    ['fail', 'copy_existing', 'latest'] as const,
    'fail',
    'When the stored resume token is no longer in the oplog (error 286): fail the task, copy the existing documents again then stream, or continue from now (changes in between are lost; logged as an error).',
  ),
  'heartbeat.interval.ms': Type.Integer({
    default: 0,
    minimum: 0,
    description:
      'When no record was published for this long, publish a heartbeat carrying the latest resume token, so the stored offset stays fresh on quiet collections; 0: off.',
  }),
  'heartbeat.topic.name': Type.String({
    default: '__mongodb_heartbeats',
    minLength: 1,
    description: 'Topic of the heartbeat records.',
  }),
  'oversized.event.policy': choice(
    ['fail', 'skip', 'split'] as const,
    'fail',
    'An event too large: fail the task; skip it (logged, counted) when its value exceeds oversized.event.max.bytes; or split events over 16 MB on the server ($changeStreamSplitLargeEvent, MongoDB 7.0+) and join the fragments.',
  ),
  'oversized.event.max.bytes': Type.Integer({
    default: 1_048_576,
    minimum: 1,
    description:
      "For oversized.event.policy=skip: the largest value (as JSON) published; Kafka's default limit is 1 MiB.",
  }),
  'batch.size': Type.Integer({
    default: 1000,
    minimum: 1,
    description: 'Most change events (or copied documents) per poll.',
  }),
  'poll.await.ms': Type.Integer({
    default: 500,
    minimum: 10,
    maximum: 5000,
    description: 'How long the server holds a poll open waiting for changes; also bounds how fast a stop is noticed.',
  }),
});

export type SourceConfig = ConfigOf<typeof config>;
