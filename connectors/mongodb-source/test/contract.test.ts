import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import MongoDbSource from '@sluice/mongodb-source';
import { describeSourceContract, expectReadmeTableCurrent, requireService } from '@sluice/testkit';

// The source contract against MONGODB_URI: the emulator here, a real replica set elsewhere.
const uri = requireService('mongodb');
const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
afterAll(() => client.close());

describeSourceContract({
  connector: MongoDbSource,
  invalidConfigs: [
    { config: {}, field: 'connection.uri' },
    { config: { 'connection.uri': uri, 'full.document': 'sometimes' }, field: 'full.document' },
    { config: { 'connection.uri': uri, 'poll.await.ms': '0' }, field: 'poll.await.ms' },
    { config: { 'connection.uri': uri, pipeline: '{"$match": {}}' }, field: 'pipeline' },
    { config: { 'connection.uri': uri, 'topic.namespace.map': '{"shop": 1}' }, field: 'topic.namespace.map' },
    { config: { 'connection.uri': uri, 'startup.mode': 'sometime' }, field: 'startup.mode' },
    { config: { 'connection.uri': uri, 'heartbeat.interval.ms': '-1' }, field: 'heartbeat.interval.ms' },
  ],
  fixture: async () => {
    const database = `contract_${randomUUID().slice(0, 8)}`;
    let next = 0;
    return {
      config: { 'connection.uri': uri, database, collection: 'items', 'poll.await.ms': '100' },
      write: async (count: number) => {
        const docs = Array.from({ length: count }, () => ({ _id: `item-${String(next).padStart(6, '0')}`, n: next++ }));
        // a client per write: the suite counts the process's timers and sockets around a task, and
        // a long-lived client's pool and monitor timers come and go on their own schedule
        const writer = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
        try {
          await writer.db(database).collection<{ _id: string; n: number }>('items').insertMany(docs);
        } finally {
          await writer.close();
        }
        return docs.map((doc) => doc._id);
      },
      identify: (record) => String(record.key),
      cleanup: () =>
        client
          .db(database)
          .dropDatabase()
          .then(() => undefined),
    };
  },
});

it('keeps the README config table in step with the schema', () => {
  expectReadmeTableCurrent(path.join(__dirname, '..', 'README.md'), MongoDbSource.config);
});
