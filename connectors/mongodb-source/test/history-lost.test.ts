import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { RetriableError } from '@sluice/sdk';
import type { SourceRecord } from '@sluice/sdk';
import { MemoryOffsetStore, eventually, requireService } from '@sluice/testkit';
import { startWorkerProcess } from '@sluice/worker';
import type { TaskState } from '@sluice/worker';
import { startOwnEmulator } from './support/own-emulator';
import type { OwnEmulator } from './support/own-emulator';
import { startTask } from './support/task-harness';

// Error 286 and server loss need a server the test may starve or kill: a private emulator with a
// change log of 20 events (a real replica set's oplog cannot be rolled over in a test), so this
// file runs against the emulator only, also when MONGODB_URI names a real replica set.
let emulator: OwnEmulator;
let client: MongoClient;
beforeAll(async () => {
  emulator = await startOwnEmulator({ maxChangeEvents: 20 });
  client = new MongoClient(emulator.uri, { serverSelectionTimeoutMS: 5000 });
});
afterAll(async () => {
  await client.close();
  await emulator.kill();
});

const keys = (records: readonly SourceRecord[]) => records.map((r) => String(r.key));

/** A stored offset that the change log has since rolled past. */
async function lostOffset(database: string): Promise<MemoryOffsetStore> {
  const offsets = new MemoryOffsetStore();
  const config = { 'connection.uri': emulator.uri, database, collection: 'products' };
  const harness = await startTask(config, offsets);
  const products = client.db(database).collection<{ _id: string }>('products');
  await products.insertOne({ _id: 'stored' });
  await harness.pollUntil((r) => r.length >= 1);
  await harness.close();
  await products.insertMany(Array.from({ length: 40 }, (_, i) => ({ _id: `gone${i}` })));
  return offsets;
}

describe('resume token no longer in the change history (error 286)', () => {
  it('fails the task loudly by default, naming the error and the recoveries', async () => {
    const offsets = await lostOffset('lost_fail');
    const config = { 'connection.uri': emulator.uri, database: 'lost_fail', collection: 'products' };
    const harness = await startTask(config, offsets); // created: the first poll fails, so the task FAILS
    const failure = harness.task.poll();
    await expect(failure).rejects.toThrow(/error 286, ChangeStreamHistoryLost/);
    await expect(failure).rejects.toThrow(/history.lost.policy=copy_existing .* history.lost.policy=latest/);
    await harness.close();
  });

  /** A task whose stored offset is lost, with `policy` as its history.lost.policy. */
  async function lostTask(database: string, policy: string) {
    const offsets = await lostOffset(database);
    const config = { 'connection.uri': emulator.uri, database, collection: 'products' };
    return startTask({ ...config, 'history.lost.policy': policy }, offsets);
  }

  it('history.lost.policy=copy_existing copies every document again, then streams', async () => {
    const harness = await lostTask('lost_copy', 'copy_existing');
    const records = await harness.pollUntil((r) => new Set(keys(r)).size >= 41);
    await harness.close();
    expect(new Set(keys(records)).size).toBe(41);
    expect(
      harness.log.some((line) => line.level === 'error' && /history.lost.policy=copy_existing/.test(line.message)),
    ).toBe(true);
  });

  it('history.lost.policy=latest continues from now and logs the loss as an error', async () => {
    const harness = await lostTask('lost_latest', 'latest');
    expect(await harness.task.poll()).toEqual([]); // recovers: the stream now starts from here
    await client.db('lost_latest').collection<{ _id: string }>('products').insertOne({ _id: 'new' });
    const records = await harness.pollUntil((r) => r.length >= 1);
    await harness.close();
    expect(keys(records)).toEqual(['new']);
    expect(harness.log.find((line) => line.level === 'error')?.fields).toMatchObject({
      consequence: 'changes between the stored offset and now are lost',
    });
  });
});

describe('a copy that outlasts the change history', () => {
  it('fails loudly when its stream cannot start where the copy began', async () => {
    const database = 'lost_window';
    await client
      .db(database)
      .collection<{ _id: string }>('products')
      .insertMany(Array.from({ length: 15 }, (_, i) => ({ _id: `p${i}` })));
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the copy starts in a later second
    const config = { 'connection.uri': emulator.uri, database, collection: 'products', 'batch.size': '10' };
    const harness = await startTask({ ...config, 'startup.mode': 'copy_existing' });
    expect(await harness.task.poll()).toHaveLength(10);
    // meanwhile, more changes than the history keeps
    await client
      .db(database)
      .collection<{ _id: string }>('noise')
      .insertMany(Array.from({ length: 40 }, (_, i) => ({ _id: `n${i}` })));
    expect(await harness.task.poll()).toHaveLength(5);
    await expect(harness.task.poll()).rejects.toThrow(/error 286, ChangeStreamHistoryLost/);
    await harness.close();
  });
});

describe('error 286 in a sluice-worker', () => {
  it('shows the task FAILED, its status trace naming the error and the recoveries', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mongodb-lost-'));
    const run = randomUUID().slice(0, 8);
    const connector = {
      name: 'mongo-lost',
      config: {
        'connector.class': 'MongoDbSource',
        'connection.uri': emulator.uri,
        database: 'lost_worker',
        collection: 'products',
        'topic.prefix': `lost-${run}`,
        'poll.await.ms': '100',
        'key.converter': 'string',
        'value.converter': 'json',
      },
    };
    const bootstrap = requireService('kafka');
    // no port: each worker gets a free one (a random one could be taken)
    const options = { stateDir, bootstrapServers: bootstrap, connectors: { [connector.name]: connector.config } };
    const first = await startWorkerProcess(options);
    const products = client.db('lost_worker').collection<{ _id: string }>('products');
    await products.insertOne({ _id: 'stored' });
    await eventually(() => fs.existsSync(path.join(stateDir, 'offsets.json')), 20_000);
    await first.kill();
    await products.insertMany(Array.from({ length: 40 }, (_, i) => ({ _id: `gone${i}` })));

    const second = await startWorkerProcess({
      ...options,
      ready: (tasks) => tasks.some((task) => task.state === 'FAILED'),
    });
    const [task] = (await second.get<{ tasks: TaskState[] }>(`/connectors/${connector.name}/status`)).tasks;
    await second.kill();
    fs.rmSync(stateDir, { recursive: true, force: true });
    expect(task?.state).toBe('FAILED');
    expect(task?.trace).toMatch(/error 286, ChangeStreamHistoryLost.*history.lost.policy=copy_existing/s);
  }, 60_000);
});

describe('server gone (crash or network drop)', () => {
  it('reports a RetriableError, then reopens after the last event read once the server is back', async () => {
    const own = await startOwnEmulator();
    const ownClient = new MongoClient(own.uri, { serverSelectionTimeoutMS: 2000 });
    const config = { 'connection.uri': own.uri, database: 'drop', collection: 'products' };
    const harness = await startTask(config);
    await ownClient.db('drop').collection<{ _id: string }>('products').insertOne({ _id: 'one' });
    await harness.pollUntil((r) => r.length >= 1);
    await own.kill();
    await expect(harness.task.poll()).rejects.toBeInstanceOf(RetriableError);

    // the emulator restarts empty (in-memory), on the same port, and its cluster time restarts at
    // <seconds>.1: a second later, so its new events sort after the stored token (a real server's
    // oplog outlives a restart, and its cluster time only grows)
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await startOwnEmulator({ port: own.port });
    await ownClient.db('drop').collection<{ _id: string }>('products').insertOne({ _id: 'two' });
    // the runtime retries a RetriableError with backoff; here, by hand until the change arrives
    const records: SourceRecord[] = [];
    const errors: string[] = [];
    const deadline = Date.now() + 20_000;
    while (!records.some((r) => r.key === 'two') && Date.now() < deadline) {
      try {
        records.push(...(await harness.task.poll()));
      } catch (error) {
        errors.push(`${(error as Error).name}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    await harness.close();
    await ownClient.close();
    await again.kill();
    expect({ keys: keys(records), errors: errors.filter((e) => !e.startsWith('RetriableError')) }).toEqual({
      keys: ['two'],
      errors: [],
    });
  });
});
