import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Type, defineSink } from '@sluice/sdk';
import type { SinkRecord } from '@sluice/sdk';
import {
  ConnectorCatalog,
  FileConfigStore,
  FileOffsetStore,
  KafkaProducer,
  StandaloneHerder,
  kafkaClientSettings,
} from '@sluice/runtime';
import { recordingLogger, requireService, eventually as until } from '@sluice/testkit';

// sluice.restart.policy=on-failure: a task that fails is restarted after a backoff and carries
// on from the last committed offsets; with the default (none) it stays FAILED, as in Connect.
const received: SinkRecord[] = [];
let failuresLeft = 0;
const BrittleSink = defineSink({
  name: 'BrittleSink',
  version: '0.0.1',
  description: 'Fails its first puts with a non-retriable error.',
  config: Type.Object({}),
  async createTask() {
    return {
      async put(records) {
        if (records.length > 0 && failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('the target rejected the batch');
        }
        received.push(...records);
      },
      async flush() {},
      async close() {},
    };
  },
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restart-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function setUp(policy: Record<string, string>) {
  const topic = `restart-${randomUUID()}`;
  const settings = kafkaClientSettings(requireService('kafka'), 'restart-test');
  const producer = new KafkaProducer(settings);
  await producer.connect();
  await producer.send(
    Array.from({ length: 50 }, (_, i) => ({ topic, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) })),
  );
  await producer.disconnect();
  const runtime = new StandaloneHerder({
    workerId: 'w',
    catalog: new ConnectorCatalog([{ packageName: 'brittle-sink', connector: BrittleSink }]),
    kafka: settings,
    configs: new FileConfigStore(path.join(dir, topic, 'connectors.json')),
    offsets: new FileOffsetStore(path.join(dir, topic, 'offsets.json')),
    log: () => recordingLogger(),
    commitIntervalMs: 100,
  });
  await runtime.start();
  const name = `brittle-${topic}`;
  await runtime.putConnectorConfig(name, {
    name,
    'connector.class': 'BrittleSink',
    topics: topic,
    'key.converter': 'string',
    'value.converter': 'string',
    ...policy,
  });
  return { runtime, name };
}

describe('restart policy (real broker)', () => {
  beforeEach(() => {
    received.length = 0;
  });

  it('restarts a failed task with backoff until it runs, losing nothing', async () => {
    failuresLeft = 2;
    const { runtime, name } = await setUp({
      'sluice.restart.policy': 'on-failure',
      'sluice.restart.backoff.initial.ms': '200',
    });
    await until(() => new Set(received.map((r) => r.value)).size === 50);
    expect(failuresLeft).toBe(0);
    expect(runtime.connectorStatus(name).tasks[0]?.state).toBe('RUNNING');
    await runtime.stop();
  });

  it('leaves a failed task FAILED, with its trace, by default', async () => {
    failuresLeft = 1;
    const { runtime, name } = await setUp({});
    await until(() => runtime.connectorStatus(name).tasks[0]?.state === 'FAILED');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const task = runtime.connectorStatus(name).tasks[0];
    expect(task?.state).toBe('FAILED');
    expect(task?.trace).toMatch(/Error: the target rejected the batch/);
    expect(received).toHaveLength(0);
    await runtime.stop();
  });
});
