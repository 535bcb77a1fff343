import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KafkaProducer, kafkaClientSettings } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';
import type { WorkerProcess } from '@sluice/worker';
import { startWorkerProcess } from '@sluice/worker';
import { restClient, until } from './rest-client';

// Per-connector client overrides (KIP-458) on real sluice-worker processes and a real broker:
// validation names each bad key and changes nothing; a consumer and a producer override reach
// the client; the worker's connector.client.config.override.policy refuses as Connect's does.
const run = Date.now().toString(36);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overrides-'));

interface ConfigEntry {
  value: { name: string; value: string | null; errors: string[] };
  definition: { name: string; display_name: string } | null;
}
interface Validation {
  error_count: number;
  configs: ConfigEntry[];
  warnings?: string[];
}
const errorsOf = (answer: Validation, key: string) =>
  answer.configs.find((config) => config.value.name === key)?.value.errors;

describe('client overrides on a real sluice-worker', () => {
  let all: WorkerProcess | undefined;
  let none: WorkerProcess | undefined;
  const worker = () => {
    if (!all) throw new Error('the worker did not start');
    return restClient(() => all?.url ?? '');
  };

  beforeAll(async () => {
    const kafka = requireService('kafka');
    all = await startWorkerProcess({ stateDir: path.join(dir, 'all'), bootstrapServers: kafka, connectors: {} });
    none = await startWorkerProcess({
      stateDir: path.join(dir, 'none'),
      bootstrapServers: kafka,
      connectors: {},
      settings: { connectorClientConfigOverridePolicy: 'None' },
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([all?.stop(), none?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('validates each override, naming the key, warns of weakened delivery, and stores nothing bad', async () => {
    const call = worker();
    const config = {
      'connector.class': 'FileStreamSource',
      name: `ov-src-${run}`,
      file: path.join(dir, 'in.txt'),
      topic: `ov-${run}`,
      'producer.override.linger.ms': '7',
      'producer.override.linger.msx': '1',
      'producer.override.bootstrap.servers': '127.0.0.1:1',
      'producer.override.acks': '1',
      'consumer.override.fetch.min.bytes': '1',
    };
    const answer = await call('PUT', '/connector-plugins/FileStreamSource/config/validate', config);
    expect(answer.statusCode).toBe(200);
    const validation = answer.json() as Validation;
    expect(validation.error_count).toBe(2);
    expect(errorsOf(validation, 'producer.override.linger.ms')).toEqual([]);
    expect(errorsOf(validation, 'producer.override.linger.msx')).toEqual([
      expect.stringMatching(/No such configuration property: "linger.msx"/),
    ]);
    expect(errorsOf(validation, 'producer.override.bootstrap.servers')).toEqual([
      expect.stringMatching(/^is set by the runtime/),
    ]);
    const lingerEntry = validation.configs.find((entry) => entry.value.name === 'producer.override.linger.ms');
    expect(lingerEntry?.definition).toMatchObject({ name: 'producer.override.linger.ms', display_name: 'linger.ms' });
    expect(validation.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^producer.override.acks: weakens at-least-once delivery/),
        'consumer.override.fetch.min.bytes: has no effect: a source connector has no consumer',
      ]),
    );
    const created = await call('POST', '/connectors', { name: config.name, config });
    expect(created.statusCode).toBe(400);
    expect(created.json().message).toMatch(/producer\.override\.linger\.msx: No such configuration property/);
    expect((await call('GET', '/connectors')).json()).not.toContain(config.name);
  });

  it('gives a sink consumer its override: auto.offset.reset=latest skips what the topic held before', async () => {
    const call = worker();
    const topic = `ov-latest-${run}`;
    const output = path.join(dir, 'latest.txt');
    const producer = new KafkaProducer(kafkaClientSettings(requireService('kafka'), `overrides-${run}`));
    await producer.connect();
    try {
      const send = (text: string) => producer.send([{ topic, key: null, value: Buffer.from(text) }]);
      for (const n of [1, 2, 3]) await send(`old-${n}`);
      const name = `ov-sink-${run}`;
      const config = {
        'connector.class': 'FileStreamSink',
        topics: topic,
        file: output,
        'value.converter': 'string',
        'consumer.override.auto.offset.reset': 'latest',
      };
      expect((await call('PUT', `/connectors/${name}/config`, config)).statusCode).toBe(201);
      // new records until the sink has written one: it starts reading wherever the end was then
      let sent = 0;
      await until(async () => {
        await send(`new-${(sent += 1)}`);
        return fs.existsSync(output) && fs.readFileSync(output, 'utf8').includes('new-');
      }, 60_000);
      const lines = fs.readFileSync(output, 'utf8').split('\n').filter(Boolean);
      expect(lines.filter((line) => line.startsWith('old-'))).toEqual([]);
      expect(lines.length).toBeGreaterThan(0);
    } finally {
      await producer.disconnect();
    }
  }, 90_000);

  it('gives a source producer its override: message.max.bytes fails a larger record', async () => {
    const call = worker();
    const name = `ov-big-${run}`;
    const input = path.join(dir, 'big.txt');
    fs.writeFileSync(input, `${'x'.repeat(5000)}\n`);
    const config = {
      'connector.class': 'FileStreamSource',
      file: input,
      topic: `ov-big-${run}`,
      'value.converter': 'string',
      'producer.override.message.max.bytes': '1000',
    };
    expect((await call('PUT', `/connectors/${name}/config`, config)).statusCode).toBe(201);
    let trace = '';
    await until(async () => {
      const status = (await call('GET', `/connectors/${name}/status`)).json() as {
        tasks?: { state: string; trace?: string }[];
      };
      trace = status.tasks?.[0]?.state === 'FAILED' ? (status.tasks[0].trace ?? '') : '';
      return trace !== '';
    }, 30_000);
    expect(trace).toMatch(/too large/i);
  }, 60_000);

  it("refuses every override under the None policy with Connect's words, and stores nothing", async () => {
    const call = restClient(() => none?.url ?? '');
    const name = `ov-none-${run}`;
    const config = {
      'connector.class': 'FileStreamSource',
      file: path.join(dir, 'none.txt'),
      topic: `ov-none-${run}`,
      'producer.override.linger.ms': '5',
    };
    const validation = (
      await call('PUT', '/connector-plugins/FileStreamSource/config/validate', { ...config, name })
    ).json() as Validation;
    const reason = "The 'None' policy does not allow 'linger.ms' to be overridden in the connector configuration.";
    expect(errorsOf(validation, 'producer.override.linger.ms')).toEqual([reason]);
    const created = await call('PUT', `/connectors/${name}/config`, config);
    expect(created.statusCode).toBe(400);
    expect(created.json().message).toContain(reason);
    expect((await call('GET', `/connectors/${name}`)).statusCode).toBe(404);
  });
});
