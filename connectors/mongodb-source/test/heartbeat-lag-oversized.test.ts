import { joinFragments } from '@sluice/mongodb-source';
import type { Fragment } from '@sluice/mongodb-source';
import { MemoryOffsetStore } from '@sluice/testkit';
import { mongoUnderTest, startTask, uniqueDatabase } from './support/task-harness';

// heartbeat.interval.ms, the lag gauge and oversized.event.policy, against MONGODB_URI.
const { uri, client } = mongoUnderTest();

describe('heartbeats', () => {
  it('publish the latest resume token on a quiet stream, so it becomes the stored offset', async () => {
    const database = uniqueDatabase('heartbeat');
    const beats = `beats-${database}`;
    const harness = await startTask({
      'connection.uri': uri,
      database,
      collection: 'products',
      'heartbeat.interval.ms': '300',
      'heartbeat.topic.name': beats,
    });
    await client.db(database).collection<{ _id: string }>('products').insertOne({ _id: 'p1' });
    await harness.pollUntil((r) => r.length >= 1);
    // changes elsewhere move the stream's post-batch token on, though nothing here is published
    await client.db(database).collection<{ _id: string }>('orders').insertOne({ _id: 'o1' });
    const records = await harness.pollUntil((r) => r.some((x) => x.topic === beats));
    await harness.close();
    await client.db(database).dropDatabase();

    const [change, beat] = records;
    expect(change?.key).toBe('p1');
    expect(beat).toMatchObject({ topic: beats, key: `${database}.products` });
    expect(beat?.sourcePartition).toEqual(change?.sourcePartition);
    expect((beat?.value as { resumeToken: string }).resumeToken).toBe(JSON.stringify(beat?.sourceOffset.resumeToken));
    expect(beat?.sourceOffset.resumeToken).not.toEqual(change?.sourceOffset.resumeToken);

    // a restart from the heartbeat's offset resumes after the orders change, before anything new
    const offsets = new MemoryOffsetStore();
    offsets.commit(records);
    const restarted = await startTask({ 'connection.uri': uri, database, collection: 'products' }, offsets);
    await client.db(database).collection<{ _id: string }>('products').insertOne({ _id: 'p2' });
    const after = await restarted.pollUntil((r) => r.length >= 1);
    await restarted.close();
    await client.db(database).dropDatabase();
    expect(after.map((r) => r.key)).toEqual(['p2']);
  });

  it('are off by default', async () => {
    const database = uniqueDatabase('noheartbeat');
    const harness = await startTask({ 'connection.uri': uri, database });
    await client.db(database).collection<{ _id: string }>('products').insertOne({ _id: 'p1' });
    await harness.pollUntil((r) => r.length >= 1);
    const deadline = Date.now() + 700;
    while (Date.now() < deadline) harness.received.push(...(await harness.task.poll()));
    await harness.close();
    await client.db(database).dropDatabase();
    expect(harness.received).toHaveLength(1);
  });
});

describe('lag gauge', () => {
  it('is now minus the time of the last event read while events flow, and 0 once drained', async () => {
    const database = uniqueDatabase('lag');
    const harness = await startTask({ 'connection.uri': uri, database });
    await client.db(database).collection<{ _id: string }>('products').insertOne({ _id: 'p1' });
    await new Promise((resolve) => setTimeout(resolve, 1200)); // the event ages before it is read
    await harness.pollUntil((r) => r.length >= 1);
    const behind = harness.task.metrics?.()['mongodb.lag.ms'];
    await harness.task.poll(); // drained
    const drained = harness.task.metrics?.()['mongodb.lag.ms'];
    await harness.close();
    await client.db(database).dropDatabase();
    expect(behind).toBeGreaterThanOrEqual(1000);
    expect(drained).toBe(0);
  });
});

describe('oversized.event.policy', () => {
  it('skip: a value over oversized.event.max.bytes is logged, counted and not published', async () => {
    const database = uniqueDatabase('oversized');
    const harness = await startTask({
      'connection.uri': uri,
      database,
      'oversized.event.policy': 'skip',
      'oversized.event.max.bytes': '1000',
    });
    const products = client.db(database).collection<{ _id: string; blob: string }>('products');
    await products.insertMany([
      { _id: 'small', blob: 'x' },
      { _id: 'big', blob: 'x'.repeat(2000) },
      { _id: 'after', blob: 'y' },
    ]);
    const records = await harness.pollUntil((r) => r.some((x) => x.key === 'after'));
    await harness.close();
    await client.db(database).dropDatabase();
    expect(records.map((r) => r.key)).toEqual(['small', 'after']);
    expect(harness.task.metrics?.()['mongodb.oversized.skipped']).toBe(1);
    expect(harness.log.find((line) => line.message === 'oversized event skipped')?.fields).toMatchObject({
      key: 'big',
    });
  });

  it('split: fragments of a $changeStreamSplitLargeEvent event join into the whole event', () => {
    // the emulator has no $changeStreamSplitLargeEvent (MongoDB 7.0+): the join is checked on its own
    const fragments: Fragment[] = [
      { _id: { _data: 'a' }, splitEvent: { fragment: 1, of: 2 }, operationType: 'update', fullDocument: { _id: 1 } },
      { _id: { _data: 'b' }, splitEvent: { fragment: 2, of: 2 }, fullDocumentBeforeChange: { _id: 1, old: true } },
    ];
    expect(joinFragments(fragments.slice(0, 1))).toBeUndefined();
    expect(joinFragments(fragments)).toEqual({
      _id: { _data: 'b' },
      operationType: 'update',
      fullDocument: { _id: 1 },
      fullDocumentBeforeChange: { _id: 1, old: true },
    });
  });
});
