import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { ChangeStreamDocument, ResumeToken } from 'mongodb';
import { requireService } from '@sluice/testkit';

// Proves the MongoDB the tests use serves change streams: an insert arrives as a change event,
// and a stream resumed from that event's token continues exactly after it. Runs unchanged
// against a real replica set when MONGODB_URI points at one.
describe('MongoDB change streams', () => {
  const client = new MongoClient(requireService('mongodb'), { serverSelectionTimeoutMS: 10_000 });
  const collection = client.db('sluice_smoke').collection<{ _id: string; name: string }>(`products_${randomUUID()}`);

  afterAll(async () => {
    await collection.drop().catch(() => undefined);
    await client.close();
  });

  it('delivers an insert as a change event and resumes after its token', async () => {
    const stream = collection.watch<{ _id: string; name: string }>([], { fullDocument: 'updateLookup' });
    // tryNext() opens the cursor (the stream starts at that moment) and returns null: no events yet
    expect(await stream.tryNext()).toBeNull();
    await collection.insertOne({ _id: 'p1', name: 'phone' });
    const inserted: ChangeStreamDocument<{ _id: string; name: string }> = await stream.next();
    await stream.close();
    expect(inserted.operationType).toBe('insert');
    if (inserted.operationType !== 'insert') return;
    expect(inserted.fullDocument).toEqual({ _id: 'p1', name: 'phone' });

    await collection.updateOne({ _id: 'p1' }, { $set: { name: 'smartphone' } });
    await collection.insertOne({ _id: 'p2', name: 'tv' });

    const resumed = collection.watch<{ _id: string; name: string }>([], { resumeAfter: inserted._id as ResumeToken });
    const [update, second] = [await resumed.next(), await resumed.next()];
    await resumed.close();
    expect(update).toMatchObject({ operationType: 'update', documentKey: { _id: 'p1' } });
    expect(second).toMatchObject({ operationType: 'insert', fullDocument: { _id: 'p2', name: 'tv' } });
  });
});
