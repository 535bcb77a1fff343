import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KafkaAdmin } from '@sluice/runtime';
import { until } from './rest-client';
import { testWorker } from './test-worker';

// Connect's offsets (KIP-875) and active topics (KIP-558) endpoints on the real broker: a file
// source whose offsets live in the worker's file, a file sink whose offsets are its consumer
// group's, both moved while STOPPED and shown to take effect once resumed.
const { dir, kafka, call } = testWorker({ name: 'offsets' });
const id = randomUUID().slice(0, 8);
const topic = `offsets-${id}`;
const input = path.join(dir, 'in.txt');
const output = path.join(dir, 'out.txt');
const source = `src-${id}`;
const sink = `sink-${id}`;

beforeAll(async () => {
  const admin = new KafkaAdmin(kafka);
  await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
  admin.close();
  fs.writeFileSync(input, 'a\nb\nc\nd\n');
});

const STOPPED_FIRST = /^Connectors must be in the STOPPED state before their offsets can be modified\./;
const expectError = (answer: Awaited<ReturnType<typeof call>>, status: number, message: RegExp) => {
  expect(answer.statusCode).toBe(status);
  expect(answer.json()).toEqual({ error_code: status, message: expect.stringMatching(message) });
};
const offsetsOf = async (name: string) => (await call('GET', `/connectors/${name}/offsets`)).json().offsets;

describe('offsets and topics API (real broker)', () => {
  it('moves a stopped source connector to an offset it then resumes from', async () => {
    const created = await call('POST', '/connectors', {
      name: source,
      config: { 'connector.class': 'FileStreamSource', file: input, topic, 'value.converter': 'string' },
      initial_state: 'STOPPED',
    });
    expect(created.statusCode).toBe(201);
    expect(await offsetsOf(source)).toEqual([]);
    const partition = { filename: input };
    const altered = await call('PATCH', `/connectors/${source}/offsets`, {
      offsets: [{ partition, offset: { position: 2 } }], // skip the line "a"
    });
    expect(altered.statusCode).toBe(200);
    expect(altered.json().message).toMatch(/offsets for this connector have been altered successfully/);
    expect(await offsetsOf(source)).toEqual([{ partition, offset: { position: 2 } }]);

    expect((await call('PUT', `/connectors/${source}/resume`)).statusCode).toBe(202);
    await until(async () => (await offsetsOf(source))[0]?.offset.position === 8);
    expect((await call('GET', `/connectors/${source}/topics`)).json()).toEqual({ [source]: { topics: [topic] } });
    expectError(await call('DELETE', `/connectors/${source}/offsets`), 400, STOPPED_FIRST);
    expectError(
      await call('PATCH', `/connectors/${source}/offsets`, { offsets: [{ partition, offset: null }] }),
      400,
      STOPPED_FIRST,
    );
  }, 45_000);

  it('moves a stopped sink connector past records, which it then skips', async () => {
    const created = await call('POST', '/connectors', {
      name: sink,
      config: { 'connector.class': 'FileStreamSink', topics: topic, file: output, 'value.converter': 'string' },
      initial_state: 'STOPPED',
    });
    expect(created.statusCode).toBe(201);
    expect(await offsetsOf(sink)).toEqual([]);
    const partition = { kafka_topic: topic, kafka_partition: 0 };
    // the source produced b, c, d at offsets 0, 1, 2: start the sink at 1
    const altered = await call('PATCH', `/connectors/${sink}/offsets`, {
      offsets: [{ partition, offset: { kafka_offset: '1' } }],
    });
    expect(altered.statusCode).toBe(200);
    expect(await offsetsOf(sink)).toEqual([{ partition, offset: { kafka_offset: 1 } }]);

    expect((await call('PUT', `/connectors/${sink}/resume`)).statusCode).toBe(202);
    await until(async () => fs.existsSync(output) && fs.readFileSync(output, 'utf8') === 'c\nd\n');
    await until(async () => (await offsetsOf(sink))[0]?.offset.kafka_offset === 3);
    expect((await call('GET', `/connectors/${sink}/topics`)).json()).toEqual({ [sink]: { topics: [topic] } });
    expectError(await call('DELETE', `/connectors/${sink}/offsets`), 400, STOPPED_FIRST);
  }, 45_000);

  it('rejects bad offsets with Connect messages, changing nothing', async () => {
    expect((await call('PUT', `/connectors/${sink}/stop`)).statusCode).toBe(204);
    const before = await offsetsOf(sink);
    const patch = (offsets: unknown) => call('PATCH', `/connectors/${sink}/offsets`, { offsets });
    expectError(await patch([]), 400, /^Partitions \/ offsets need to be provided for an alter offsets request$/);
    expectError(
      await call('PATCH', `/connectors/${sink}/offsets`, {}),
      400,
      /^Partitions \/ offsets need to be provided/,
    );
    expectError(
      await patch([{ partition: { kafka_topic: topic }, offset: { kafka_offset: 1 } }]),
      400,
      /must contain the keys 'kafka_topic' and 'kafka_partition'/,
    );
    expectError(
      await patch([{ partition: { kafka_topic: topic, kafka_partition: 'x' }, offset: { kafka_offset: 1 } }]),
      400,
      /Kafka partition value in the provided offsets: 'x'/,
    );
    expectError(
      await patch([{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 'soon' } }]),
      400,
      /Kafka offset value in the provided offsets: 'soon'/,
    );
    expectError(
      await patch([{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { position: 1 } }]),
      400,
      /should either be null or contain the key 'kafka_offset'/,
    );
    expectError(await call('PATCH', `/connectors/${sink}/offsets`, '{"offsets": ['), 400, /JSON/);
    expectError(await call('GET', '/connectors/nope/offsets'), 404, /^Connector nope not found$/);
    expectError(
      await call('PATCH', '/connectors/nope/offsets', { offsets: [{ partition: {}, offset: null }] }),
      404,
      /^Connector nope not found$/,
    );
    expectError(await call('DELETE', '/connectors/nope/offsets'), 404, /^Connector nope not found$/);
    expect(await offsetsOf(sink)).toEqual(before);
  }, 30_000);

  it('removes single partitions with offset null and resets everything with DELETE', async () => {
    const partition = { kafka_topic: topic, kafka_partition: 0 };
    const removed = await call('PATCH', `/connectors/${sink}/offsets`, { offsets: [{ partition, offset: null }] });
    // the answer's body shown on a failure: one CI run (2026-12-08) got a 500 here that did not repeat
    expect([removed.statusCode, removed.statusCode === 200 ? undefined : removed.json()]).toEqual([200, undefined]);
    expect(await offsetsOf(sink)).toEqual([]);
    const reset = await call('DELETE', `/connectors/${sink}/offsets`); // idempotent, as Connect
    expect(reset.statusCode).toBe(200);
    expect(reset.json().message).toMatch(/offsets for this connector have been reset successfully/);

    expect((await call('PUT', `/connectors/${source}/stop`)).statusCode).toBe(204);
    expect((await call('DELETE', `/connectors/${source}/offsets`)).statusCode).toBe(200);
    expect(await offsetsOf(source)).toEqual([]);
  }, 30_000);

  it('forgets active topics on reset; an unknown connector has none, as Connect', async () => {
    expect((await call('PUT', `/connectors/${sink}/topics/reset`)).statusCode).toBe(202);
    expect((await call('GET', `/connectors/${sink}/topics`)).json()).toEqual({ [sink]: { topics: [] } });
    expect((await call('GET', `/connectors/${source}/topics`)).json()).toEqual({ [source]: { topics: [topic] } });
    expect((await call('GET', '/connectors/nope/topics')).json()).toEqual({ nope: { topics: [] } });
    expect((await call('PUT', '/connectors/nope/topics/reset')).statusCode).toBe(202);
  });
});
