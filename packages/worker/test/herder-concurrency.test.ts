import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { KafkaProducer, kafkaClientSettings } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';
import type { WorkerProcess } from '@sluice/worker';
import { startWorkerProcess } from '@sluice/worker';
import type { Method } from './rest-client';
import { restClient, until } from './rest-client';

// The herder's ordering, against a real sluice-worker process: Connect answers 20 parallel
// creates of one name with 1×201 and 19×409; a deleted connector stops consuming; bursts of
// mixed changes are all answered; names and bodies that cannot be served are refused unstored.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herder-concurrency-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const run = `${process.pid}-${Date.now()}`;
let worker: WorkerProcess;
const call = restClient(() => worker.url);

const sinkConfig = (name: string, topic: string) => ({
  'connector.class': 'FileStreamSink',
  topics: topic,
  file: path.join(dir, `${name}.out`),
  'key.converter': 'string',
  'value.converter': 'string',
});
const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

/** A raw request, for paths fetch would re-encode. */
function rawRequest(method: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(worker.url);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: hostname, port, method, path: rawPath }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

beforeAll(async () => {
  worker = await startWorkerProcess({
    stateDir: path.join(dir, 'worker'),
    bootstrapServers: requireService('kafka'),
    connectors: {},
  });
}, 60_000);
afterAll(() => worker?.stop());

describe('herder ordering (real sluice-worker process)', () => {
  it('answers 20 parallel creates of one name with one 201 and nineteen 409s', async () => {
    const name = `twin-${run}`;
    const body = { name, config: sinkConfig(name, `twin-${run}`) };
    const answers = await Promise.all(Array.from({ length: 20 }, () => call('POST', '/connectors', body)));
    const codes = answers.map((answer) => answer.statusCode).sort();
    expect(codes).toEqual([201, ...Array<number>(19).fill(409)]);
    expect(answers.find((answer) => answer.statusCode === 409)?.json()).toEqual({
      error_code: 409,
      message: `Connector ${name} already exists`,
    });
    await until(async () => (await call('GET', `/connectors/${name}/status`)).json().tasks[0]?.state === 'RUNNING');
    expect((await call('DELETE', `/connectors/${name}`)).statusCode).toBe(204);
  });

  it('stops a deleted sink from consuming', async () => {
    const name = `deleted-${run}`;
    const topic = `deleted-${run}`;
    const producer = new KafkaProducer(kafkaClientSettings(requireService('kafka'), 'herder-concurrency'));
    await producer.connect();
    const send = (from: number) =>
      producer.send(Array.from({ length: 10 }, (_, i) => ({ topic, key: null, value: Buffer.from(`r${from + i}`) })));
    await send(0);
    expect((await call('POST', '/connectors', { name, config: sinkConfig(name, topic) })).statusCode).toBe(201);
    const output = path.join(dir, `${name}.out`);
    await until(async () => lines(output).length === 10);
    expect((await call('DELETE', `/connectors/${name}`)).statusCode).toBe(204);
    expect((await call('GET', `/connectors/${name}/status`)).statusCode).toBe(404);
    // the task's stop (bounded, 5 s) runs behind the answer; a runner leaves /metrics once stopped
    const series = `sluice_task_records_in_total{connector="${name}"`;
    await until(async () => !(await call('GET', '/metrics')).text.includes(series));
    await send(10);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(lines(output)).toHaveLength(10);
    await producer.disconnect();
  }, 60_000);

  it('answers every change of four bursts of six, and ends in the state they asked for', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `burst-${i}-${run}`);
    const topic = `burst-${run}`;
    // within a burst the changes touch different connectors, so any arrival order is valid
    const bursts: [Method, string, unknown][][] = [
      names.map((name) => ['POST', '/connectors', { name, config: sinkConfig(name, topic) }]),
      names.map((name) => ['PUT', `/connectors/${name}/pause`, undefined]),
      names.map((name) => [
        'PUT',
        `/connectors/${name}/config`,
        { ...sinkConfig(name, topic), 'errors.tolerance': 'all' },
      ]),
      names.map((name, i) =>
        i < 3 ? ['PUT', `/connectors/${name}/resume`, undefined] : ['DELETE', `/connectors/${name}`, undefined],
      ),
    ];
    for (const burst of bursts) {
      const started = Date.now();
      const answers = await Promise.all(burst.map(([method, url, body]) => call(method, url, body)));
      expect(answers.map((answer) => answer.statusCode).filter((code) => code >= 300)).toEqual([]);
      expect(Date.now() - started).toBeLessThan(10_000); // answered, not timed out (the bench measures latency)
    }
    const left = names.slice(0, 3);
    expect((await call('GET', '/connectors')).json().filter((n: string) => n.startsWith('burst-'))).toEqual(left);
    for (const name of left) {
      await until(async () => {
        const status = (await call('GET', `/connectors/${name}/status`)).json();
        return status.connector.state === 'RUNNING' && status.tasks[0]?.state === 'RUNNING';
      });
      expect((await call('DELETE', `/connectors/${name}`)).statusCode).toBe(204);
    }
  });

  it('refuses names and bodies it could not serve back, with 400 naming the reason, storing nothing', async () => {
    const config = sinkConfig('refused', `refused-${run}`);
    const cases: [unknown, RegExp][] = [
      [{ name: 'x'.repeat(300_000), config }, /name: must be at most 1000 characters/],
      [{ name: '   ', config }, /for configuration name: String may not be empty/],
      [{ name: 'tab\there', config }, /name: must not contain control characters \(found U\+0009\)/],
      [{ name: 'half\ud800', config }, /name: must be valid Unicode/],
      [{ name: 'a/b', config }, /name: must not contain \/ or \\/],
      [
        { name: 'deep', config: { ...config, nested: JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) } },
        /nested deeper than 16/,
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await call('POST', '/connectors', body);
      expect([answer.statusCode, answer.json().error_code]).toEqual([400, 400]);
      expect(answer.json().message).toMatch(message);
    }
    expect((await call('GET', '/connectors')).json()).toEqual([]);
    const stored = JSON.parse(fs.readFileSync(path.join(dir, 'worker', 'connectors.json'), 'utf8'));
    expect(Object.keys(stored)).toEqual([]);
  });

  it('answers the HTTP layer errors in Connect shape: bad path encoding, an over-long path', async () => {
    const badEncoding = await rawRequest('GET', '/connectors/%E0%A4%A/status');
    expect(badEncoding.status).toBe(400);
    expect(JSON.parse(badEncoding.body)).toMatchObject({
      error_code: 400,
      message: expect.stringMatching(/percent-encoded/),
    });
    const tooLong = await rawRequest('GET', `/connectors/${'n'.repeat(13_000)}/status`);
    expect(tooLong.status).toBe(414);
    expect(JSON.parse(tooLong.body)).toMatchObject({ error_code: 414 });
    const overflow = await rawRequest('GET', `/connectors/${'n'.repeat(20_000)}`);
    expect(overflow.status).toBe(431);
    expect(JSON.parse(overflow.body)).toMatchObject({ error_code: 431 });
    const longest = 'n'.repeat(1000);
    expect((await call('PUT', `/connectors/${longest}/config`, sinkConfig('longest', `l-${run}`))).statusCode).toBe(
      201,
    );
    expect((await call('GET', `/connectors/${longest}/status`)).statusCode).toBe(200);
    expect((await call('DELETE', `/connectors/${longest}`)).statusCode).toBe(204);
  });
});
