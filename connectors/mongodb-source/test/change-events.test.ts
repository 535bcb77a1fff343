import { randomUUID } from 'node:crypto';
import { Decimal128, MongoClient, ObjectId } from 'mongodb';
import MongoDbSource from '@sluice/mongodb-source';
import type { SourceRecord } from '@sluice/sdk';
import { MemoryOffsetStore, recordingLogger, requireService, sourceTaskContext } from '@sluice/testkit';

const uri = requireService('mongodb');
const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
afterAll(() => client.close());

describe('MongoDB source records', () => {
  it('turns changes into keyed full documents and tombstones, with token and cluster time headers', async () => {
    const database = `events_${randomUUID().slice(0, 8)}`;
    const products = client.db(database).collection('products');
    const config = MongoDbSource.validator.parse({
      'connection.uri': uri,
      database,
      collection: 'products',
      'topic.prefix': 'shop',
      'poll.await.ms': '100',
    });
    const task = await MongoDbSource.createTask(
      config,
      sourceTaskContext(new MemoryOffsetStore(), new AbortController().signal, recordingLogger()),
    );
    const id = new ObjectId();
    const at = new Date('2026-01-02T03:04:05.000Z');
    await products.insertOne({ _id: id, name: 'phone', price: Decimal128.fromString('199.99'), added: at });
    await products.updateOne({ _id: id }, { $set: { name: 'smartphone' } });
    const records: SourceRecord[] = [];
    const deadline = Date.now() + 10_000;
    // read the update before deleting: updateLookup reads the document as it is at read time
    while (records.length < 2 && Date.now() < deadline) records.push(...(await task.poll()));
    await products.deleteOne({ _id: id });
    while (records.length < 3 && Date.now() < deadline) records.push(...(await task.poll()));
    await task.close();
    await client.db(database).dropDatabase();

    expect(records.map((r) => [r.topic, r.key])).toEqual([
      [`shop.${database}.products`, id.toHexString()],
      [`shop.${database}.products`, id.toHexString()],
      [`shop.${database}.products`, id.toHexString()],
    ]);
    expect(records[0]?.value).toEqual({
      _id: id.toHexString(),
      name: 'phone',
      price: '199.99',
      added: '2026-01-02T03:04:05.000Z',
    });
    expect(records[1]?.value).toMatchObject({ name: 'smartphone' });
    expect(records[2]?.value).toBeNull(); // a delete is a tombstone
    expect(records[0]?.headers?.['mongodb.resume.token']).toBe(JSON.stringify(records[0]?.sourceOffset.resumeToken));
    expect(records[0]?.headers?.['mongodb.cluster.time']).toMatch(/^\d+\.\d+$/);
  });
});
