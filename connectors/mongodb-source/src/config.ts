import { Secret, Type } from '@sluice/sdk';
import type { ConfigOf } from '@sluice/sdk';

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
    Type.String({ minLength: 1, description: 'Collection to watch (needs database); empty: the whole database.' }),
  ),
  'topic.prefix': Type.String({
    default: '',
    description: 'Records go to <prefix>.<database>.<collection> (without the prefix when empty).',
  }),
  'full.document': Type.String({
    enum: ['updateLookup', 'whenAvailable', 'required'],
    default: 'updateLookup',
    description: 'How an update event gets the whole document: looked up at read time, or from post-images.',
  }),
  'batch.size': Type.Integer({ default: 1000, minimum: 1, description: 'Most change events per poll.' }),
  'poll.await.ms': Type.Integer({
    default: 500,
    minimum: 10,
    maximum: 5000,
    description: 'How long the server holds a poll open waiting for changes; also bounds how fast a stop is noticed.',
  }),
});

export type SourceConfig = ConfigOf<typeof config>;
