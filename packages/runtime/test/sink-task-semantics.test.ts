import { randomUUID } from 'node:crypto';
import type { Message, MessageHeader } from '@confluentinc/kafka-javascript';
import { RetriableError, Type, defineSink } from '@sluice/sdk';
import type { SinkRecord, SinkTask, SinkTaskContext } from '@sluice/sdk';
import {
  GroupOffsets,
  KafkaAdmin,
  KafkaGroupConsumer,
  KafkaProducer,
  SinkTaskRunner,
  kafkaClientSettings,
} from '@sluice/runtime';
import type { OutgoingMessage } from '@sluice/runtime';
import { eventually, recordingLogger, requireService } from '@sluice/testkit';

// Kafka Connect's sink task semantics, on the real broker: RetriableError from put/flush is
// retried without limit (errors.retry.timeout does not apply) while the task stays RUNNING; the
// dead-letter queue gets the message as consumed; ctx.signal aborts only after the final flush.
const settings = kafkaClientSettings(requireService('kafka'), 'sink-semantics');

/** A sink whose behaviour each test writes: the task is `behaviour(ctx)`. */
function sinkOf(behaviour: (ctx: SinkTaskContext) => SinkTask) {
  return defineSink({
    name: 'ScriptedSink',
    version: '0.0.1',
    description: 'Does what the test says.',
    config: Type.Object({}),
    async createTask(_config, ctx) {
      return behaviour(ctx);
    },
  });
}

async function produce(messages: OutgoingMessage[]): Promise<void> {
  const producer = new KafkaProducer(settings);
  await producer.connect();
  await producer.send(messages);
  await producer.disconnect();
}

async function topicWith(count: number): Promise<string> {
  const topic = `semantics-${randomUUID()}`;
  await produce(Array.from({ length: count }, (_, i) => ({ topic, key: null, value: Buffer.from(String(i)) })));
  return topic;
}

interface RunnerOptions {
  readonly config?: Record<string, string>;
  readonly commitIntervalMs?: number;
  readonly name?: string;
}

function runnerFor(connector: ReturnType<typeof sinkOf>, topic: string, options: RunnerOptions = {}) {
  return new SinkTaskRunner({
    connectorName: options.name ?? `semantics-${randomUUID().slice(0, 8)}`,
    taskId: 0,
    connector,
    config: { 'key.converter': 'string', 'value.converter': 'string', ...options.config },
    taskConfig: {},
    topics: [topic],
    kafka: settings,
    log: recordingLogger(),
    commitIntervalMs: options.commitIntervalMs ?? 200,
  });
}

describe('RetriableError from put and flush (real broker)', () => {
  it('retries put without limit, backoff capped by errors.retry.delay.max.ms, the task RUNNING', async () => {
    const topic = await topicWith(50);
    const received: SinkRecord[] = [];
    let failUntil = Infinity;
    const runner = runnerFor(
      sinkOf(() => ({
        async put(records) {
          if (failUntil === Infinity) failUntil = Date.now() + 3000; // down for 3 s from the first put
          if (Date.now() < failUntil) throw new RetriableError('target down');
          received.push(...records);
        },
        async flush() {},
        async close() {},
      })),
      topic,
      { config: { 'errors.retry.delay.max.ms': '200' } }, // errors.retry.timeout stays 0: it must not matter
    );
    await runner.start();
    await eventually(async () => runner.metrics.retries >= 3, 20_000);
    expect(runner.status.state).toBe('RUNNING');
    await eventually(async () => received.length === 50, 20_000);
    const { retries } = runner.metricsSnapshot();
    await runner.stop();
    // 3 s of 50-200 ms waits: 15 or more with timers on time; uncapped doubling (50-100, 100-200,
    // 200-400, 400-800, 800-1600 ms) gives 5 or 6
    expect(retries).toBeGreaterThanOrEqual(10);
    expect(received.map((r) => r.value)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    expect(runner.status.state).toBe('UNASSIGNED');
  }, 60_000);

  it('retries flush without limit and commits once it succeeds', async () => {
    const topic = await topicWith(20);
    const name = `semantics-${randomUUID().slice(0, 8)}`;
    let failures = 0;
    const runner = runnerFor(
      sinkOf(() => ({
        async put() {},
        async flush() {
          if (failures < 6) {
            failures += 1;
            throw new RetriableError('not durable yet');
          }
        },
        async close() {},
      })),
      topic,
      { config: { 'errors.retry.delay.max.ms': '100' }, name },
    );
    await runner.start();
    await eventually(async () => runner.metrics.offsetCommits > 0, 20_000);
    const metrics = runner.metricsSnapshot();
    const state = runner.status.state;
    await runner.stop();
    expect(state).toBe('RUNNING');
    expect(metrics.retries).toBe(6);
    expect((await new GroupOffsets(settings, `connect-${name}`).list()).map((o) => o.offset)).toEqual([20]);
  }, 60_000);

  it('pauses between two attempts of a failing put, and retries it after the resume', async () => {
    const topic = await topicWith(10);
    const received: SinkRecord[] = [];
    let down = true;
    const runner = runnerFor(
      sinkOf(() => ({
        async put(records) {
          if (down) throw new RetriableError('target down');
          received.push(...records);
        },
        async flush() {},
        async close() {},
      })),
      topic,
      { config: { 'errors.retry.delay.max.ms': '2000' } },
    );
    await runner.start();
    await eventually(async () => runner.metrics.retries >= 4, 20_000); // waits of 1-2 s now
    const startedAt = Date.now();
    await runner.pause();
    const pausedAfter = Date.now() - startedAt;
    expect(runner.status.state).toBe('PAUSED');
    down = false;
    await new Promise((resolve) => setTimeout(resolve, 2500)); // past the backoff: paused, no attempt
    expect(received).toHaveLength(0);
    runner.resume();
    await eventually(async () => received.length === 10, 20_000);
    await runner.stop();
    expect(pausedAfter).toBeLessThan(900); // not after the (1-2 s) backoff and the next attempt
  }, 60_000);

  it('still fails the task on any other error from put', async () => {
    const topic = await topicWith(1);
    const runner = runnerFor(
      sinkOf(() => ({
        async put() {
          throw new Error('mapping rejected');
        },
        async flush() {},
        async close() {},
      })),
      topic,
    );
    await runner.start();
    await eventually(async () => runner.status.state === 'FAILED', 20_000);
    await runner.stop();
    expect(runner.status.trace).toMatch(/mapping rejected/);
  }, 60_000);
});

describe('the dead-letter queue gets the message as consumed (real broker)', () => {
  async function readAll(topic: string, count: number): Promise<Message[]> {
    const consumer = new KafkaGroupConsumer(settings, { groupId: `dlq-reader-${randomUUID()}` });
    await consumer.connect();
    consumer.subscribe([topic]);
    const messages: Message[] = [];
    const deadline = Date.now() + 30_000;
    while (messages.length < count && Date.now() < deadline) messages.push(...(await consumer.consume(100)));
    await consumer.disconnect();
    return messages;
  }

  const header = (message: Message, name: string) =>
    (message.headers ?? []).flatMap((h: MessageHeader) => (name in h ? [String(h[name])] : []))[0];

  it('for records the task reports and records a converter rejects: original key, value and headers', async () => {
    const topic = `dlq-source-${randomUUID()}`;
    const dlq = `dlq-${randomUUID()}`;
    const admin = new KafkaAdmin(settings);
    await admin.ensureTopic({ topic: dlq, partitions: 1, replicationFactor: 1 });
    admin.close();
    // spacing a JSON converter would not write back, and a header the record keeps
    const reported = {
      topic,
      key: Buffer.from('k-1'),
      value: Buffer.from('{ "sku" :  "a" }'),
      headers: [{ trace: 'x1' }],
    };
    const malformed = { topic, key: Buffer.from('k-2'), value: Buffer.from('{not json'), headers: [{ trace: 'x2' }] };
    await produce([reported, malformed]);
    const runner = runnerFor(
      sinkOf((ctx) => ({
        async put(records) {
          for (const record of records) await ctx.report({ ...record }, new Error('rejected by the target')); // a copy
        },
        async flush() {},
        async close() {},
      })),
      topic,
      {
        config: {
          'value.converter': 'json',
          'value.converter.schemas.enable': 'false',
          transforms: 'add',
          'transforms.add.type': 'InsertField$Value',
          'transforms.add.static.field': 'added',
          'transforms.add.static.value': 'by-transform',
          'errors.tolerance': 'all',
          'errors.deadletterqueue.topic.name': dlq,
          'errors.deadletterqueue.context.headers.enable': 'true',
        },
      },
    );
    await runner.start();
    const letters = await readAll(dlq, 2);
    await runner.stop();

    expect(letters).toHaveLength(2);
    const byKey = new Map(letters.map((m) => [String(m.key), m]));
    const fromTask = byKey.get('k-1') as Message;
    expect(fromTask.value?.toString()).toBe('{ "sku" :  "a" }'); // not re-encoded, not transformed
    expect(header(fromTask, 'trace')).toBe('x1');
    expect(header(fromTask, '__connect.errors.stage')).toBe('TASK_PUT');
    expect(header(fromTask, '__connect.errors.topic')).toBe(topic);
    expect(header(fromTask, '__connect.errors.offset')).toBe('0');
    expect(header(fromTask, '__connect.errors.exception.message')).toBe('rejected by the target');
    const fromConverter = byKey.get('k-2') as Message;
    expect(fromConverter.value?.toString()).toBe('{not json');
    expect(header(fromConverter, 'trace')).toBe('x2');
    expect(header(fromConverter, '__connect.errors.stage')).toBe('VALUE_CONVERTER');
  }, 60_000);
});

describe('ctx.signal (real broker)', () => {
  it('is not aborted during the final flush, and is before close()', async () => {
    const topic = await topicWith(10);
    const seen: boolean[] = [];
    let signal: AbortSignal | undefined;
    const runner = runnerFor(
      sinkOf((ctx) => {
        signal = ctx.signal;
        return {
          async put() {},
          async flush() {
            seen.push(ctx.signal.aborted);
          },
          async close() {
            seen.push(ctx.signal.aborted);
          },
        };
      }),
      topic,
      { commitIntervalMs: 60_000 },
    );
    await runner.start();
    await eventually(async () => runner.metrics.recordsOut === 10, 20_000);
    await runner.stop();
    expect(seen).toEqual([false, true]); // the final flush ran with it live; close() comes after the abort
    expect(signal?.aborted).toBe(true);
  }, 60_000);

  it('is aborted when a final flush outlasts the stop timeout', async () => {
    const topic = await topicWith(1);
    const runner = runnerFor(
      sinkOf((ctx) => ({
        async put() {},
        async flush() {
          // a flush waiting on I/O that honours the signal
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        },
        async close() {},
      })),
      topic,
      { commitIntervalMs: 60_000 },
    );
    await runner.start();
    await eventually(async () => runner.metrics.recordsOut === 1, 20_000);
    const startedAt = Date.now();
    await runner.stop(500);
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(runner.status.state).toBe('UNASSIGNED');
  }, 60_000);
});
