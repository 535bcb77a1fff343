import type { SourceRecord } from '@sluice/sdk';
import { MemoryOffsetStore } from '@sluice/testkit';
import { mongoUnderTest, startTask, uniqueDatabase } from './support/task-harness';

// startup.mode timestamp and copy_existing (with an interrupted copy), against MONGODB_URI.
const { uri, client } = mongoUnderTest();

const keys = (records: readonly SourceRecord[]) => records.map((r) => String(r.key));
const copied = (records: readonly SourceRecord[]) => records.filter((r) => r.headers?.['mongodb.snapshot'] === 'true');
const id = (n: number) => `p${String(n).padStart(3, '0')}`;
const docs = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({ _id: id(from + i), n: from + i }));

describe('startup.mode=timestamp', () => {
  it('starts at the given cluster time (inclusive), as the mongodb.cluster.time header writes it', async () => {
    const database = uniqueDatabase('timestamp');
    const products = client.db(database).collection<{ _id: string }>('products');
    const probe = products.watch([], { maxAwaitTimeMS: 100 });
    await probe.tryNext();
    await products.insertMany([{ _id: 'before' }, { _id: 'from' }]);
    await probe.next();
    const from = await probe.next();
    await probe.close();
    const at = `${from.clusterTime?.t}.${from.clusterTime?.i}`;

    const harness = await startTask({
      'connection.uri': uri,
      database,
      collection: 'products',
      'startup.mode': 'timestamp',
      'startup.timestamp': at,
    });
    await products.insertOne({ _id: 'after' });
    const records = await harness.pollUntil((r) => r.length >= 2);
    await harness.close();
    await client.db(database).dropDatabase();
    expect(keys(records)).toEqual(['from', 'after']);
  });
});

describe('startup.mode=copy_existing', () => {
  it('copies the existing documents, then streams from the moment the copy began: no gap', async () => {
    const database = uniqueDatabase('copy');
    const products = client.db(database).collection<{ _id: string; n: number }>('products');
    await products.insertMany(docs(0, 250));
    const base = { 'connection.uri': uri, database, collection: 'products', 'batch.size': '100' };
    const harness = await startTask({ ...base, 'startup.mode': 'copy_existing' });
    await harness.pollUntil((r) => r.length >= 100);
    // written while the copy runs: after the copy's start, so the stream must bring them
    await products.insertMany(docs(250, 270));
    await products.updateOne({ _id: id(0) }, { $set: { n: -1 } });
    const records = await harness.pollUntil(
      (r) => new Set(keys(r)).size >= 270 && r.some((x) => (x.value as { n: number }).n === -1),
    );
    await harness.close();
    await client.db(database).dropDatabase();

    expect(new Set(keys(records)).size).toBe(270);
    expect(keys(copied(records)).slice(0, 100)).toEqual(docs(0, 100).map((d) => d._id)); // in _id order
    expect(records.filter((r) => r.key === id(0)).map((r) => (r.value as { n: number }).n)).toContain(-1);
    expect(records[0]?.headers?.['mongodb.cluster.time']).toMatch(/^\d+\.\d+$/);
  });

  it('resumes an interrupted copy after the last copied _id instead of starting over', async () => {
    const database = uniqueDatabase('resumecopy');
    const products = client.db(database).collection<{ _id: string; n: number }>('products');
    await products.insertMany(docs(0, 250));
    const config = {
      'connection.uri': uri,
      database,
      collection: 'products',
      'batch.size': '100',
      'startup.mode': 'copy_existing',
    };
    const offsets = new MemoryOffsetStore();
    const first = await startTask(config, offsets);
    await first.pollUntil((r) => r.length >= 100);
    await first.close(); // a restart in the middle of the copy

    const second = await startTask(config, offsets);
    await second.pollUntil((r) => copied(r).length >= 150);
    await products.insertOne({ _id: 'later', n: 999 });
    const records = await second.pollUntil((r) => r.some((x) => x.key === 'later'));
    await second.close();
    await client.db(database).dropDatabase();

    expect(keys(copied(first.received))).toEqual(docs(0, 100).map((d) => d._id));
    expect(keys(copied(records))).toEqual(docs(100, 250).map((d) => d._id)); // nothing copied twice
    expect(records.at(-1)?.key).toBe('later'); // then the stream

    // once copied, a restart streams on: no third copy
    const third = await startTask(config, offsets);
    await client
      .db(database)
      .collection('products')
      .insertOne({ _id: 'last', n: 1000 } as never);
    const after = await third.pollUntil((r) => r.some((x) => x.key === 'last'));
    await third.close();
    await client.db(database).dropDatabase();
    expect(copied(after)).toEqual([]);
  });

  it('copies a whole database collection by collection, resuming at the collection it was in', async () => {
    const database = uniqueDatabase('copydb');
    for (const name of ['alpha', 'beta'])
      await client.db(database).collection<{ _id: string; n: number }>(name).insertMany(docs(0, 15));
    const config = { 'connection.uri': uri, database, 'batch.size': '10', 'startup.mode': 'copy_existing' };
    const offsets = new MemoryOffsetStore();
    const first = await startTask(config, offsets);
    await first.pollUntil((r) => r.length >= 15); // alpha copied, beta not begun
    await first.close();
    const second = await startTask(config, offsets);
    const records = await second.pollUntil((r) => copied(r).length >= 15);
    await second.close();
    await client.db(database).dropDatabase();
    expect(first.received.map((r) => r.topic)).toEqual(Array(15).fill(`${database}.alpha`));
    expect(copied(records).map((r) => `${r.topic}/${String(r.key)}`)).toEqual(
      docs(0, 15).map((d) => `${database}.beta/${d._id}`),
    );
  });
});
