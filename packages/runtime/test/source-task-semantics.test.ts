import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Message } from '@confluentinc/kafka-javascript';
import { RetriableError, Type, defineSource, pause } from '@sluice/sdk';
import type { SourceRecord, SourceTask, SourceTaskContext } from '@sluice/sdk';
import {
  FileOffsetStore,
  KafkaAdmin,
  KafkaGroupConsumer,
  SourceTaskRunner,
  kafkaClientSettings,
} from '@sluice/runtime';
import { recordingLogger, requireService, eventually as until } from '@sluice/testkit';

// Connect's source task semantics on the real broker: when ctx.signal aborts (after the final
// commit, not before), abandoning a stop, RetriableError from poll(), malformed records.
const kafka = () => kafkaClientSettings(requireService('kafka'), `semantics-${randomUUID().slice(0, 8)}`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'source-semantics-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const partition = { table: 'orders' };
const record = (topic: string, n: number, value: unknown = `v${n}`): SourceRecord =>
  ({ sourcePartition: partition, sourceOffset: { n }, topic, value }) as SourceRecord;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const state = (signal: AbortSignal) => (signal.aborted ? 'aborted' : 'live');

/** A source connector whose task is what `make` returns for the context the runner gives. */
function scripted(make: (ctx: SourceTaskContext) => Omit<SourceTask, 'close'> & Partial<SourceTask>) {
  return defineSource({
    name: 'ScriptedSource',
    version: '0.0.1',
    description: 'A task written by the test.',
    config: Type.Object({}),
    async createTask(_config, ctx) {
      return { close: async () => undefined, ...make(ctx) };
    },
  });
}

async function newTopic(): Promise<string> {
  const topic = `semantics-${randomUUID()}`;
  const admin = new KafkaAdmin(kafka());
  await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
  admin.close();
  return topic;
}

function runnerFor(connector: ReturnType<typeof scripted>, config: Record<string, string> = {}) {
  const name = `semantics-${randomUUID().slice(0, 8)}`;
  const offsets = new FileOffsetStore(path.join(dir, `${name}.json`));
  const log = recordingLogger();
  const runner = new SourceTaskRunner({
    connectorName: name,
    taskId: 0,
    connector,
    config: { 'value.converter': 'string', ...config },
    taskConfig: {},
    kafka: kafka(),
    offsets,
    log,
  });
  return { runner, log, storedOffset: () => offsets.get(name, partition) };
}

async function readTopic(topic: string, count: number): Promise<Message[]> {
  const consumer = new KafkaGroupConsumer(kafka(), { groupId: `reader-${randomUUID()}` });
  await consumer.connect();
  consumer.subscribe([topic]);
  const messages: Message[] = [];
  const deadline = Date.now() + 20_000;
  while (messages.length < count && Date.now() < deadline) messages.push(...(await consumer.consume(1000)));
  await sleep(300); // anything beyond count would show up now
  messages.push(...(await consumer.consume(1000)));
  await consumer.disconnect();
  return messages;
}

describe('ctx.signal (real broker)', () => {
  it('stays live through the batch in flight and the final commit, and aborts before close()', async () => {
    const topic = await newTopic();
    const events: string[] = [];
    let polls = 0;
    let calls = 0; // task calls under way: never more than one (poll and commit do not overlap)
    let overlapped = false;
    const call = async <T>(body: () => Promise<T>): Promise<T> => {
      calls += 1;
      overlapped ||= calls > 1;
      try {
        return await body();
      } finally {
        calls -= 1;
      }
    };
    const { runner, storedOffset } = runnerFor(
      scripted((ctx) => ({
        poll: () =>
          call(async () => {
            const n = (polls += 1);
            await sleep(200); // a slow read that ignores the signal: a stop must wait for its batch
            events.push(`poll ${n}: ${state(ctx.signal)}`);
            return [record(topic, n)];
          }),
        commit: (records) =>
          call(async () => {
            // I/O that honours the signal, as the docs invite: it must run to its end
            const completed = await pause(50, ctx.signal);
            const n = records[0]?.sourceOffset.n as number;
            events.push(`commit ${n}: ${state(ctx.signal)}${completed ? '' : ', its I/O cut short'}`);
          }),
        async close() {
          events.push(`close: ${state(ctx.signal)}`);
        },
      })),
    );
    await runner.start();
    await until(() => polls === 3); // poll 3 is in flight
    await runner.stop();

    // batches are pipelined: poll n+1 may come before commit n, but each commit follows its poll,
    // commits come in poll order, all run to their end with the signal live, and close() is last
    expect(events.filter((event) => event.startsWith('poll'))).toEqual([
      'poll 1: live',
      'poll 2: live',
      'poll 3: live',
    ]);
    expect(events.filter((event) => event.startsWith('commit'))).toEqual([
      'commit 1: live',
      'commit 2: live',
      'commit 3: live',
    ]);
    for (const n of [1, 2, 3])
      expect(events.indexOf(`commit ${n}: live`)).toBeGreaterThan(events.indexOf(`poll ${n}: live`));
    expect(events.at(-1)).toBe('close: aborted');
    expect(overlapped).toBe(false);
    expect(runner.status.state).toBe('UNASSIGNED');
    expect(await storedOffset()).toEqual({ n: 3 });
    const inKafka = await readTopic(topic, 3);
    expect(inKafka.map((message) => message.value?.toString())).toEqual(['v1', 'v2', 'v3']);
  });

  it('aborts when a stop is abandoned, so a poll waiting on it returns and the stop completes', async () => {
    let signal: AbortSignal | undefined;
    const { runner, log } = runnerFor(
      scripted((ctx) => ({
        async poll() {
          signal = ctx.signal;
          await pause(60_000, ctx.signal); // against the advice: waits for data on the signal only
          return [];
        },
      })),
    );
    await runner.start();
    await until(() => signal !== undefined);
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await sleep(500);
    expect(stopped).toBe(false); // the signal does not abort on stop
    expect(signal?.aborted).toBe(false);

    const abandonedAt = Date.now();
    runner.abandon();
    await stopping;
    expect(Date.now() - abandonedAt).toBeLessThan(2000);
    expect(signal?.aborted).toBe(true);
    expect(runner.status.state).toBe('UNASSIGNED');
    expect(log.lines.some((line) => line.level === 'warn' && line.message.startsWith('task abandoned'))).toBe(true);
  });
});

describe('RetriableError from poll() (real broker)', () => {
  it('is retried without limit (errors.retry.timeout=0 does not apply); the task stays RUNNING', async () => {
    const topic = await newTopic();
    let failures = 0;
    const { runner, log } = runnerFor(
      scripted(() => ({
        async poll() {
          if (failures < 8) {
            failures += 1;
            throw new RetriableError(`source busy (${failures})`);
          }
          if (failures++ === 8) return [record(topic, 1)];
          await sleep(20);
          return [];
        },
      })),
      { 'errors.retry.timeout': '0', 'errors.retry.delay.max.ms': '40' },
    );
    await runner.start();
    await until(() => failures >= 4);
    expect(runner.status.state).toBe('RUNNING');
    await until(() => runner.produced === 1);
    expect(runner.status.state).toBe('RUNNING');
    await runner.stop();
    const retries = log.lines.filter((line) => line.message.startsWith('poll failed with a RetriableError'));
    expect(retries.map((line) => line.fields?.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Math.max(...retries.map((line) => line.fields?.delayMs as number))).toBeLessThanOrEqual(40);
    expect((await readTopic(topic, 1)).map((message) => message.value?.toString())).toEqual(['v1']);
  });

  it('does not hold up a pause or a stop: the backoff wait is cut short, and a stop is not a failure', async () => {
    const { runner, log } = runnerFor(
      scripted(() => ({
        async poll(): Promise<SourceRecord[]> {
          throw new RetriableError('source down');
        },
      })),
    );
    const lastRetry = () => log.lines.filter((line) => line.message.startsWith('poll failed')).at(-1)?.fields;
    await runner.start();
    await until(() => ((lastRetry()?.delayMs as number | undefined) ?? 0) >= 1500); // 6th attempt on
    const pausedAt = Date.now();
    await runner.pause();
    // under the 1.5 s backoff (not waited out), with room for a loaded machine
    expect(Date.now() - pausedAt).toBeLessThan(1400);
    expect(runner.status.state).toBe('PAUSED');

    runner.resume();
    const attempts = lastRetry()?.attempt as number;
    await until(() => (lastRetry()?.attempt as number) > attempts);
    expect(lastRetry()?.delayMs).toBeGreaterThanOrEqual(1500); // the count went on: no reset by the pause
    const stoppedAt = Date.now();
    await runner.stop();
    expect(Date.now() - stoppedAt).toBeLessThan(1400); // includes the producer's disconnect
    expect(runner.status.state).toBe('UNASSIGNED');
  });
});

describe('commit() (real broker)', () => {
  it('failing is logged, not fatal, as in Connect: the batch is in Kafka and its offset stored (close() too)', async () => {
    const topic = await newTopic();
    let polls = 0;
    const { runner, log, storedOffset } = runnerFor(
      scripted(() => ({
        async poll() {
          polls += 1;
          if (polls <= 2) return [record(topic, polls)];
          await sleep(20);
          return [];
        },
        async commit(records) {
          if (records[0]?.sourceOffset.n === 1) throw new Error('ack refused by the source');
        },
        async close() {
          throw new Error('socket already closed');
        },
      })),
    );
    await runner.start();
    await until(() => runner.produced === 2);
    expect(runner.status.state).toBe('RUNNING');
    // produced counts at the acknowledgement; the offset is stored after, batch by batch
    await until(async () => (await storedOffset())?.n === 2);
    expect(await storedOffset()).toEqual({ n: 2 });
    await runner.stop();
    const errors = log.lines.filter((line) => line.level === 'error');
    expect(runner.status.state).toBe('UNASSIGNED');
    expect(errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('commit() failed'),
        fields: { error: 'ack refused by the source' },
      }),
      { level: 'error', message: 'close() failed', fields: { error: 'socket already closed' } },
    ]);
  });
});

describe('malformed source records (real broker)', () => {
  it('fail the task naming index and field, whatever errors.tolerance; nothing of the batch reaches Kafka', async () => {
    const topic = await newTopic();
    const noTopic = { ...record(topic, 3), topic: undefined } as unknown as SourceRecord;
    let polls = 0;
    const bad = runnerFor(
      scripted(() => ({
        async poll() {
          polls += 1;
          if (polls === 1) return [record(topic, 1), record(topic, 2), noTopic];
          await sleep(20);
          return [];
        },
      })),
      { 'errors.tolerance': 'all', 'errors.log.enable': 'true' },
    );
    await bad.runner.start();
    await until(() => bad.runner.status.state === 'FAILED');
    expect(bad.runner.status.trace).toContain(
      'MalformedRecordError: poll() returned record 2 with no topic (field "topic")',
    );
    expect(bad.runner.produced).toBe(0);
    expect(await bad.storedOffset()).toBeUndefined();
    await bad.runner.stop();
    expect(polls).toBe(1);

    // a later, well-formed batch on the same topic is all the topic holds; null is a tombstone
    // (its poll() resolves [] at once when idle: the runner must still let timers run)
    const marker = runnerFor(scripted(() => ({ poll: async () => (polls++ === 1 ? [record(topic, 9, null)] : []) })));
    await marker.runner.start();
    await until(() => marker.runner.produced === 1);
    await marker.runner.stop();
    const inKafka = await readTopic(topic, 1);
    expect(inKafka).toHaveLength(1);
    expect(inKafka[0]?.value).toBeNull();
  });
});

describe('header.converter (real broker)', () => {
  /** The headers of the first record a source writes with `config`, as Kafka holds them. */
  async function headersWritten(config: Record<string, string>) {
    const topic = await newTopic();
    let polled = false;
    const { runner } = runnerFor(
      scripted(() => ({
        async poll() {
          if (polled) return [];
          polled = true;
          return [{ ...record(topic, 1), headers: { text: 'ok', bytes: Buffer.from([0, 1]) } }];
        },
      })),
      config,
    );
    await runner.start();
    const [message] = await readTopic(topic, 1);
    await runner.stop();
    return Object.assign({}, ...(message?.headers ?? [])) as Record<string, Buffer>;
  }

  it('writes text as UTF-8 by default (SimpleHeaderConverter) and through a converter when set; bytes as they are', async () => {
    const simple = await headersWritten({});
    expect(simple.text?.toString()).toBe('ok');
    expect([...(simple.bytes ?? [])]).toEqual([0, 1]);
    const json = await headersWritten({ 'header.converter': 'org.apache.kafka.connect.json.JsonConverter' });
    expect(JSON.parse(json.text?.toString() ?? 'null')).toEqual({
      schema: { type: 'string', optional: false },
      payload: 'ok',
    });
    expect([...(json.bytes ?? [])]).toEqual([0, 1]);
  });

  it('refuses a header converter it does not know, naming the key', () => {
    expect(() =>
      runnerFor(
        scripted(() => ({ poll: async () => [] })),
        { 'header.converter': 'Nope' },
      ),
    ).toThrow(/unknown converter Nope; known: .*SimpleHeaderConverter/);
  });
});
