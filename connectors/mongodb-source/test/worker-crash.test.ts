import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { KafkaAdmin, kafkaClientSettings } from '@sluice/runtime';
import { eventually, requireService } from '@sluice/testkit';
import { startWorkerProcess } from '@sluice/worker';
import { headerOf, readTopic } from './support/kafka-topic';

// "Done when": a kill -9 of the sluice-worker between an insert burst and its offset commit loses
// nothing after the restart. Real worker process (built output), real Kafka, MONGODB_URI.
const uri = requireService('mongodb');
const bootstrap = requireService('kafka');
const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mongodb-crash-'));
afterAll(async () => {
  await client.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

const clusterTime = (value: string) => value.split('.').map(Number) as [number, number];
const after = (a: string, b: string) => {
  const [at, ai] = clusterTime(a);
  const [bt, bi] = clusterTime(b);
  return at > bt || (at === bt && ai > bi);
};

function storedToken(connector: string): string | undefined {
  const file = path.join(stateDir, 'offsets.json');
  if (!fs.existsSync(file)) return undefined;
  const entries = JSON.parse(fs.readFileSync(file, 'utf8')) as [string, { resumeToken?: unknown }][];
  const entry = entries.find(([key]) => key.includes(connector));
  return entry?.[1].resumeToken === undefined ? undefined : JSON.stringify(entry[1].resumeToken);
}

describe('sluice-worker killed with SIGKILL mid-burst', () => {
  it('has every change in Kafka after the restart; only the unstored tail repeats', async () => {
    const run = randomUUID().slice(0, 8);
    const database = `crash_${run}`;
    const topic = `crash-${run}.${database}.products`;
    const connector = {
      name: `mongo-crash-${run}`,
      config: {
        'connector.class': 'MongoDbSource',
        'connection.uri': uri,
        database,
        collection: 'products',
        'topic.prefix': `crash-${run}`,
        'batch.size': '100', // many produce → store-offset steps for the kill to land between
        'poll.await.ms': '100',
        'key.converter': 'string',
        'value.converter': 'json',
        'value.converter.schemas.enable': 'false',
        'topic.creation.default.partitions': '3',
        'topic.creation.default.replication.factor': '1',
      },
    };
    const products = client.db(database).collection<{ _id: string; n: number }>('products');
    const total = 4000;

    // no port: each worker gets a free one (a random one could be taken)
    const options = { stateDir, bootstrapServers: bootstrap, connectors: { [connector.name]: connector.config } };
    const first = await startWorkerProcess(options);
    const burst = (async () => {
      for (let n = 0; n < total; n += 200)
        await products.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: `p${n + i}`, n: n + i })));
    })();
    await eventually(() => storedToken(connector.name) !== undefined, 30_000, 5);
    await new Promise((resolve) => setTimeout(resolve, 30)); // into the stream of produce/store steps
    await first.kill();
    const tokenAtKill = storedToken(connector.name);
    await burst;

    const second = await startWorkerProcess(options);
    const ids = (messages: readonly { key?: unknown }[]) => new Set(messages.map((m) => String(m.key)));
    const messages = await readTopic(topic, (read) => ids(read).size >= total, 40_000);
    // the task's own gauges reach the worker's Prometheus endpoint
    const scraped = await (await fetch(`${second.url}/metrics`)).text();
    await second.kill();
    await client.db(database).dropDatabase();
    const admin = new KafkaAdmin(kafkaClientSettings(bootstrap, 'crash-cleanup'));
    await admin.deleteTopic(topic).catch(() => undefined);
    admin.close();

    expect(ids(messages).size).toBe(total); // nothing lost
    expect(scraped).toMatch(
      new RegExp(
        `sluice_task_connector_gauge\\{connector="${connector.name}",task="0",type="source",name="mongodb.lag.ms"\\} \\d+`,
      ),
    );
    // what repeats is exactly the tail produced after the stored offset, before the kill
    const stored = messages.find((m) => headerOf(m, 'mongodb.resume.token') === tokenAtKill);
    if (stored === undefined) throw new Error('the offset stored at the kill names no record in Kafka');
    const storedAt = headerOf(stored, 'mongodb.cluster.time');
    const storedChange = (JSON.parse(String(stored.value)) as { n: number }).n;
    // the kill came before the burst's last offset was stored
    expect(storedChange).toBeLessThan(total - 1);
    const seen = new Map<string, string>();
    const repeated: string[] = [];
    for (const message of messages) {
      const key = String(message.key);
      const firstAt = seen.get(key);
      if (firstAt !== undefined) repeated.push(firstAt);
      else seen.set(key, headerOf(message, 'mongodb.cluster.time'));
    }
    for (const time of repeated) expect(after(time, storedAt)).toBe(true);
    process.stdout.write(
      `kill -9 mid-burst: ${total} changes, ${messages.length} records, ${repeated.length} repeated (the unstored tail), ` +
        `offset stored at kill: change ${storedChange}\n`,
    );
  }, 90_000);
});
