import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { openChangeStream, scopeName } from '@sluice/mongodb-source';
import { requireService } from '@sluice/testkit';

describe('scopeName', () => {
  it('names collection, database and deployment scopes', () => {
    expect(scopeName({ database: 'shop', collection: 'products' })).toBe('shop.products');
    expect(scopeName({ database: 'shop' })).toBe('shop');
    expect(scopeName({})).toBe('*');
  });
});

describe('openChangeStream (real change streams)', () => {
  const client = new MongoClient(requireService('mongodb'), { serverSelectionTimeoutMS: 10_000 });
  afterAll(() => client.close());

  it('rejects a collection without a database, naming the field', () => {
    expect(() => openChangeStream(client, { collection: 'products' })).toThrow(
      'collection: needs database to be set too',
    );
  });

  it('watches one collection and ignores the others of its database', async () => {
    const database = `scope_${randomUUID().slice(0, 8)}`;
    const stream = openChangeStream(client, { database, collection: 'products' });
    expect(await stream.tryNext()).toBeNull();
    await client
      .db(database)
      .collection('orders')
      .insertOne({ _id: 'o1' } as never);
    await client
      .db(database)
      .collection('products')
      .insertOne({ _id: 'p1', name: 'phone' } as never);
    const event = await stream.next();
    await stream.close();
    expect(event.operationType).toBe('insert');
    expect(event.operationType === 'insert' && event.documentKey._id).toBe('p1');
    await client.db(database).dropDatabase();
  });
});
