import { MongoClient } from 'mongodb';
import { startOwnEmulator } from './support/own-emulator';
import type { OwnEmulator } from './support/own-emulator';

// The emulator's awaitData on a change stream, on a fresh server (an empty change log: what CI
// starts with). It used to compare the cursor's start with the clock, which an empty log reports
// as its newest time: every getMore returned at once, so an idle source spun (0.7 of a core for
// the worker, measured, plus the emulator's own). A private emulator, so the log is empty.
let emulator: OwnEmulator;
let client: MongoClient;
let getMores = 0;
beforeAll(async () => {
  emulator = await startOwnEmulator();
  client = new MongoClient(emulator.uri, { serverSelectionTimeoutMS: 5000, monitorCommands: true });
  client.on('commandStarted', (event) => {
    if (event.commandName === 'getMore') getMores += 1;
  });
});
afterAll(async () => {
  await client.close();
  await emulator.kill();
});

it('an idle change stream waits maxAwaitTimeMS for each getMore, and still sees a change at once', async () => {
  const products = client.db('idle').collection<{ _id: string }>('products');
  const stream = products.watch([], { maxAwaitTimeMS: 500 });
  expect(await stream.tryNext()).toBeNull(); // opens the cursor
  getMores = 0;
  const idleUntil = Date.now() + 2000;
  while (Date.now() < idleUntil) expect(await stream.tryNext()).toBeNull();
  // ~4 getMores of 500 ms in 2 s; the spinning emulator answered hundreds
  expect(getMores).toBeLessThanOrEqual(8);
  // an insert while a getMore waits: the pool opens its second connection and the emulator's
  // insert path is warm before the timed part (a cold one took part of its 500 ms)
  const warm = await Promise.all([stream.tryNext(), client.db('idle').collection('warm').insertOne({})]);
  expect(warm[0]).toBeNull();
  const started = Date.now();
  const next = stream.next();
  await products.insertOne({ _id: 'p1' });
  expect((await next).operationType).toBe('insert');
  expect(Date.now() - started).toBeLessThan(450); // the waiting getMore is woken, not timed out
  await stream.close();
});
