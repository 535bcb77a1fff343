import { mongoUnderTest, startTask, uniqueDatabase } from './support/task-harness';

// drop and invalidate handled explicitly, against MONGODB_URI (the emulator has no rename events).
const { uri, client } = mongoUnderTest();

describe('a watched collection dropped', () => {
  it('logs the invalidate and follows the collection when it is created again', async () => {
    const database = uniqueDatabase('invalidate');
    const harness = await startTask({ 'connection.uri': uri, database, collection: 'products' });
    const products = () => client.db(database).collection<{ _id: string }>('products');
    await products().insertOne({ _id: 'before-drop' });
    await harness.pollUntil((r) => r.length >= 1);
    await products().drop();
    await harness.pollUntil(() => harness.log.some((line) => /invalidated/.test(line.message)));
    await products().insertOne({ _id: 'after-drop' });
    const records = await harness.pollUntil((r) => r.length >= 2);
    await harness.close();
    await client.db(database).dropDatabase();

    expect(records.map((r) => r.key)).toEqual(['before-drop', 'after-drop']);
    expect(harness.log).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: { operationType: 'drop' } }), // no document to publish
    );
  });

  it('is an envelope of op drop, keyed by the namespace, with output.format=envelope', async () => {
    const database = uniqueDatabase('dropenvelope');
    const harness = await startTask({ 'connection.uri': uri, database, 'output.format': 'envelope' });
    await client.db(database).collection<{ _id: string }>('products').insertOne({ _id: 'p1' });
    await client.db(database).collection('products').drop();
    const records = await harness.pollUntil((r) => r.length >= 2);
    await harness.close();
    await client.db(database).dropDatabase();
    expect(records[1]).toMatchObject({
      key: `${database}.products`,
      topic: `${database}.products`,
      value: { op: 'drop', ns: { db: database, coll: 'products' }, documentKey: null },
    });
  });
});
