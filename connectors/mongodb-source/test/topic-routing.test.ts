import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { KafkaAdmin, kafkaClientSettings } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';
import { startWorkerProcess } from '@sluice/worker';
import { readTopic } from './support/kafka-topic';

// Issue 16: two pipelines from one database kept apart by topic.prefix, and topic.namespace.map
// routing collections, through a real sluice-worker (built output), real Kafka and MONGODB_URI.
const uri = requireService('mongodb');
const bootstrap = requireService('kafka');
const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mongodb-topics-'));
afterAll(async () => {
  await client.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

const keysIn = async (topic: string, count: number) => {
  const messages = await readTopic(topic, (read) => read.length >= count, 20_000);
  return messages.map((message) => String(message.key)).sort();
};

describe('MongoDB source topics in Kafka', () => {
  it('keeps two pipelines on one database apart by prefix, and routes collections by the namespace map', async () => {
    const run = randomUUID().slice(0, 8);
    const database = `topics_${run}`;
    const common = {
      'connector.class': 'MongoDbSource',
      'connection.uri': uri,
      database,
      'poll.await.ms': '100',
      'key.converter': 'string',
      'value.converter': 'json',
      'value.converter.schemas.enable': 'false',
      'topic.creation.default.partitions': '1',
      'topic.creation.default.replication.factor': '1',
    };
    const connectors = {
      [`search-${run}`]: { ...common, collection: 'products', 'topic.prefix': `search-${run}` },
      [`audit-${run}`]: {
        ...common,
        collection: 'products',
        'topic.prefix': `audit-${run}`,
        'output.format': 'envelope',
      },
      [`routed-${run}`]: {
        ...common, // the whole database
        'topic.namespace.map': JSON.stringify({ [`${database}.orders`]: `orders-${run}`, [database]: `shop-${run}` }),
        'topic.suffix': 'v1',
      },
    };
    const worker = await startWorkerProcess({ stateDir, bootstrapServers: bootstrap, connectors });
    const topics = [
      `search-${run}.${database}.products`,
      `audit-${run}.${database}.products`,
      `orders-${run}.v1`,
      `shop-${run}.products.v1`,
      `shop-${run}.users.v1`,
    ];
    try {
      const db = client.db(database);
      await db.collection<{ _id: string }>('products').insertMany([{ _id: 'p1' }, { _id: 'p2' }]);
      await db.collection<{ _id: string }>('orders').insertOne({ _id: 'o1' });
      await db.collection<{ _id: string }>('users').insertOne({ _id: 'u1' });

      // each pipeline has the database's product changes in its own topic, and only there
      expect(await keysIn(topics[0] as string, 2)).toEqual(['p1', 'p2']);
      const audit = await readTopic(topics[1] as string, (read) => read.length >= 2, 20_000);
      expect(audit.map((m) => (JSON.parse(String(m.value)) as { op: string }).op)).toEqual(['insert', 'insert']);
      // the namespace map: db.collection names the topic, db its first part, both with the suffix
      expect(await keysIn(topics[2] as string, 1)).toEqual(['o1']);
      expect(await keysIn(topics[3] as string, 2)).toEqual(['p1', 'p2']);
      expect(await keysIn(topics[4] as string, 1)).toEqual(['u1']);
      // and nothing went to the default names
      const admin = new KafkaAdmin(kafkaClientSettings(bootstrap, 'topics-check'));
      try {
        const names = await admin.listTopics();
        expect(names.filter((name) => name.includes(run)).sort()).toEqual([...topics].sort());
      } finally {
        admin.close();
      }
    } finally {
      await worker.stop();
      await client.db(database).dropDatabase();
      const admin = new KafkaAdmin(kafkaClientSettings(bootstrap, 'topics-cleanup'));
      for (const topic of topics) await admin.deleteTopic(topic).catch(() => undefined);
      admin.close();
    }
  }, 90_000);
});
