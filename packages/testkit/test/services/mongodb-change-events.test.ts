import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { ChangeStream, ChangeStreamDocument } from 'mongodb';

type Doc = { _id: string | number; name?: string; stock?: number; ram?: number };
import { requireService } from '@sluice/testkit';

// The change-event shapes the MongoDB source relies on, checked against whatever MONGODB_URI
// points at: the emulator here, a real replica set elsewhere (the same assertions hold for both).
describe('MongoDB change events', () => {
  const client = new MongoClient(requireService('mongodb'), { serverSelectionTimeoutMS: 10_000 });
  const db = client.db(`events_${randomUUID().slice(0, 8)}`);
  const streams: ChangeStream[] = [];

  afterAll(async () => {
    await Promise.all(streams.map((stream) => stream.close()));
    await db.dropDatabase();
    await client.close();
  });

  async function opened<T extends ChangeStream>(stream: T): Promise<T> {
    streams.push(stream);
    expect(await stream.tryNext()).toBeNull();
    return stream;
  }

  async function take(stream: ChangeStream, count: number): Promise<ChangeStreamDocument[]> {
    const events: ChangeStreamDocument[] = [];
    while (events.length < count) events.push((await stream.next()) as ChangeStreamDocument);
    return events;
  }

  it('describes insert, update, replace and delete with namespace and document key', async () => {
    const products = db.collection<Doc>('products');
    const stream = await opened(products.watch([], { fullDocument: 'updateLookup' }));
    await products.insertOne({ _id: 'p1', name: 'phone', stock: 1 });
    const [inserted] = await take(stream, 1);
    await products.updateOne({ _id: 'p1' }, { $set: { ram: 8 }, $inc: { stock: 2 }, $unset: { name: '' } });
    const [updated] = await take(stream, 1);
    await products.replaceOne({ _id: 'p1' }, { name: 'tablet' });
    await products.deleteOne({ _id: 'p1' });
    const [replaced, deleted] = await take(stream, 2);

    expect(inserted).toMatchObject({
      operationType: 'insert',
      ns: { db: db.databaseName, coll: 'products' },
      documentKey: { _id: 'p1' },
      fullDocument: { _id: 'p1', name: 'phone', stock: 1 },
    });
    expect(updated).toMatchObject({
      operationType: 'update',
      documentKey: { _id: 'p1' },
      updateDescription: { updatedFields: { ram: 8, stock: 3 }, removedFields: ['name'] },
      fullDocument: { _id: 'p1', ram: 8, stock: 3 },
    });
    expect(replaced).toMatchObject({
      operationType: 'replace',
      documentKey: { _id: 'p1' },
      fullDocument: { _id: 'p1', name: 'tablet' },
    });
    expect(deleted).toMatchObject({ operationType: 'delete', documentKey: { _id: 'p1' } });
    expect(deleted).not.toHaveProperty('fullDocument');
    for (const event of [inserted, updated, replaced, deleted]) {
      expect(event?.clusterTime).toBeDefined();
    }
  });

  it('watches a whole database, with the collection of each event in ns', async () => {
    const stream = await opened(db.watch([{ $match: { operationType: 'insert' } }]));
    await db.collection<Doc>('a').insertOne({ _id: 1 });
    await db.collection<Doc>('b').deleteMany({});
    await db.collection<Doc>('b').insertOne({ _id: 2 });
    const events = await take(stream, 2);
    expect(events.map((event) => 'ns' in event && event.ns)).toEqual([
      { db: db.databaseName, coll: 'a' },
      { db: db.databaseName, coll: 'b' },
    ]);
  });

  it('ends a collection stream with drop and invalidate when the collection is dropped', async () => {
    const doomed = db.collection<Doc>('doomed');
    await doomed.insertOne({ _id: 0 });
    const stream = await opened(doomed.watch());
    await doomed.drop();
    const events = await take(stream, 2);
    expect(events.map((event) => event.operationType)).toEqual(['drop', 'invalidate']);
  });
});
