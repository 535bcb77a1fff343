import MongoDbSource from '@sluice/mongodb-source';
import { mongoUnderTest, startTask, uniqueDatabase } from './support/task-harness';

// output.format, namespace lists, pipeline and collection lists, against MONGODB_URI.
const { uri, client } = mongoUnderTest();

describe('output.format=envelope', () => {
  it('publishes op, before/after, updateDescription, ns, documentKey and cluster time; a delete is no tombstone', async () => {
    const database = uniqueDatabase('envelope');
    const harness = await startTask({ 'connection.uri': uri, database, 'output.format': 'envelope' });
    const products = client.db(database).collection<{ _id: string; name: string }>('products');
    await products.insertOne({ _id: 'p1', name: 'phone' });
    await harness.pollUntil((r) => r.length >= 1);
    await products.updateOne({ _id: 'p1' }, { $set: { name: 'smartphone' } });
    await products.deleteOne({ _id: 'p1' });
    const records = await harness.pollUntil((r) => r.length >= 3);
    await harness.close();
    await client.db(database).dropDatabase();

    expect(records.map((r) => [r.key, (r.value as { op: string }).op])).toEqual([
      ['p1', 'insert'],
      ['p1', 'update'],
      ['p1', 'delete'],
    ]);
    expect(records[0]?.value).toMatchObject({
      ns: { db: database, coll: 'products' },
      documentKey: { _id: 'p1' },
      after: { _id: 'p1', name: 'phone' },
      before: null,
      updateDescription: null,
    });
    expect((records[0]?.value as { clusterTime: string }).clusterTime).toBe(
      records[0]?.headers?.['mongodb.cluster.time'],
    );
    expect(records[1]?.value).toMatchObject({ updateDescription: { updatedFields: { name: 'smartphone' } } });
    expect(records[2]?.value).toMatchObject({ op: 'delete', after: null });
  });
});

describe('scope filters', () => {
  it('publishes only included, not excluded namespaces, after the user pipeline', async () => {
    const database = uniqueDatabase('filters');
    const harness = await startTask({
      'connection.uri': uri,
      database,
      'namespace.include.list': `${database}\\.prod.*, ${database}\\.orders`,
      'namespace.exclude.list': `${database}\\.products_archive`,
      pipeline: '[{"$match": {"operationType": "insert", "fullDocument.visible": true}}]',
    });
    const db = client.db(database);
    for (const name of ['products', 'products_archive', 'orders', 'users'])
      await db.collection(name).insertOne({ name, visible: true });
    await db.collection('products').insertOne({ name: 'hidden', visible: false });
    await db.collection('orders').insertOne({ name: 'last', visible: true });
    const records = await harness.pollUntil((r) =>
      r.some((record) => (record.value as { name: string }).name === 'last'),
    );
    await harness.close();
    await db.dropDatabase();
    expect(records.map((r) => (r.value as { name: string }).name)).toEqual(['products', 'orders', 'last']);
  });

  it('splits a collection list over tasks.max, each task its own stream and offset partition', async () => {
    const database = uniqueDatabase('split');
    const config = MongoDbSource.validator.parse({ 'connection.uri': uri, database, collection: 'a, b, c' });
    const configs = MongoDbSource.taskConfigs?.(config, 2) ?? [];
    expect(configs.map((c) => c.collection)).toEqual(['a,c', 'b']);
    expect(MongoDbSource.taskConfigs?.({ ...config, collection: 'a' }, 4)).toHaveLength(1);
    expect(MongoDbSource.taskConfigs?.({ ...config, collection: undefined } as never, 4)).toHaveLength(1);

    const first = await startTask({ 'connection.uri': uri, database, collection: 'a,c' });
    const second = await startTask({ 'connection.uri': uri, database, collection: 'b' });
    for (const name of ['a', 'b', 'c', 'd']) await client.db(database).collection(name).insertOne({ name });
    const one = await first.pollUntil((r) => r.length >= 2);
    const two = await second.pollUntil((r) => r.length >= 1);
    await Promise.all([first.close(), second.close()]);
    await client.db(database).dropDatabase();
    expect(one.map((r) => (r.value as { name: string }).name)).toEqual(['a', 'c']);
    expect(two.map((r) => (r.value as { name: string }).name)).toEqual(['b']);
    expect(one[0]?.sourcePartition).toEqual({ ns: `${database}.a,c` });
    expect(two[0]?.sourcePartition).toEqual({ ns: `${database}.b` });
  });
});

describe('bad settings are named and change nothing', () => {
  const base = { 'connection.uri': uri, database: 'unused' };
  it.each([
    [{ pipeline: '{"$match": {}}' }, 'pipeline: Invalid value'],
    [{ pipeline: '[1, 2]' }, 'pipeline: must be a JSON array of aggregation stages'],
    [{ pipeline: '[{"$match": ]' }, 'pipeline: is not JSON'],
    [{ 'namespace.include.list': 'shop.(' }, 'namespace.include.list: "shop.(" is not a regular expression'],
    [{ 'full.document': 'off' }, 'full.document: off needs output.format=envelope'],
    [
      { 'startup.mode': 'timestamp', 'startup.timestamp': 'yesterday' },
      'startup.timestamp: startup.mode=timestamp needs',
    ],
  ])('%j', async (bad, message) => {
    await expect(startTask({ ...base, ...bad })).rejects.toThrow(message);
  });
});
