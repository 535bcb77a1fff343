import { isEmulator } from './support/server-kind';
import { mongoUnderTest, startTask, uniqueDatabase } from './support/task-harness';

// Features the emulator lacks, tested only against a real replica set (MONGODB_URI naming one);
// against the emulator these tests are listed as skipped, and the README's table says so.
const { uri, client } = mongoUnderTest();
const realServerOnly = isEmulator(uri) ? it.skip : it;

describe('pre- and post-images (MongoDB 6.0+)', () => {
  realServerOnly('fill the envelope: before from the pre-image, after from the post-image', async () => {
    const database = uniqueDatabase('images');
    await client.db(database).createCollection('products', { changeStreamPreAndPostImages: { enabled: true } });
    const harness = await startTask({
      'connection.uri': uri,
      database,
      collection: 'products',
      'output.format': 'envelope',
      'full.document': 'required',
      'full.document.before.change': 'required',
    });
    const products = client.db(database).collection<{ _id: string; name: string }>('products');
    await products.insertOne({ _id: 'p1', name: 'phone' });
    await products.updateOne({ _id: 'p1' }, { $set: { name: 'smartphone' } });
    await products.deleteOne({ _id: 'p1' });
    const records = await harness.pollUntil((r) => r.length >= 3);
    await harness.close();
    await client.db(database).dropDatabase();
    expect(records.map((r) => r.value)).toMatchObject([
      { op: 'insert', after: { name: 'phone' } },
      { op: 'update', before: { name: 'phone' }, after: { name: 'smartphone' } },
      { op: 'delete', before: { name: 'smartphone' }, after: null },
    ]);
  });
});
