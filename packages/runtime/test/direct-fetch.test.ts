import { randomUUID } from 'node:crypto';
import type { Message, Producer } from '@confluentinc/kafka-javascript';
import { KafkaAdmin, KafkaGroupConsumer, kafkaClientSettings } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';
import { kafkaLibrary } from '../src/kafka/library.js';

// The direct fetch path (Fetch requests decoded in JavaScript) on the real broker: it reads what
// librdkafka reads, field for field; it hands a partition it cannot decode (lz4) to librdkafka
// without losing or repeating a record; it skips aborted transactions under read_committed; it
// starts at the committed offset, and where auto.offset.reset says when that is out of range.
// A short session: each test's consumers of one group follow each other, and a member whose leave
// the coordinator has not yet applied would hold the next one for librdkafka's 45 s default.
const settings = (id: string) => kafkaClientSettings(requireService('kafka'), id);
const consumerSettings = (id: string) => ({ ...settings(id), 'session.timeout.ms': 6000 });

async function newTopic(partitions = 1): Promise<string> {
  const topic = `direct-${randomUUID()}`;
  const admin = new KafkaAdmin(settings('direct-admin'));
  await admin.ensureTopic({ topic, partitions, replicationFactor: 1 });
  admin.close();
  return topic;
}

async function libraryProducer(extra: Record<string, string | number | boolean> = {}): Promise<Producer> {
  const producer = new (kafkaLibrary().Producer)({ ...settings('direct-producer'), 'linger.ms': 5, ...extra });
  await new Promise<void>((resolve, reject) =>
    producer.connect({}, (error) => (error ? reject(new Error(error.message)) : resolve())),
  );
  return producer;
}

function flushed(producer: Producer): Promise<void> {
  return new Promise((resolve, reject) => producer.flush(10_000, (error) => (error ? reject(error) : resolve())));
}

function closed(producer: Producer): Promise<void> {
  return new Promise((resolve) => producer.disconnect(() => resolve()));
}

/** Records with keys or not, values or not (null), headers or not, explicit timestamps. */
async function produceVaried(
  topic: string,
  count: number,
  extra: Record<string, string> = {},
  partitions = 2,
): Promise<void> {
  const producer = await libraryProducer(extra);
  for (let i = 0; i < count; i++) {
    const key = i % 3 === 0 ? null : Buffer.from(`key-${i}`);
    const value = i % 7 === 0 ? null : Buffer.from(JSON.stringify({ i, text: 'ä'.repeat(i % 5) }));
    const headers = i % 2 === 0 ? [{ trace: Buffer.from(`t${i}`) }, { n: Buffer.from(String(i)) }] : undefined;
    producer.produce(topic, i % partitions, value, key, 1_700_000_000_000 + i, undefined, headers);
  }
  await flushed(producer);
  await closed(producer);
}

/** Every message of the group's assignment until `count` arrived (or 30 s passed). */
async function consumeAll(
  topic: string,
  count: number,
  options: {
    groupId?: string;
    kafka?: Record<string, string | number>;
    warnings?: string[];
    /** Set to the partitions librdkafka fetched at the end (the /metrics figure). */
    seen?: { libraryFetched?: number };
  } = {},
): Promise<Message[]> {
  const warnings = options.warnings ?? [];
  const consumer = new KafkaGroupConsumer(
    { ...consumerSettings('direct-consumer'), ...options.kafka },
    {
      groupId: options.groupId ?? `direct-${randomUUID()}`,
      log: { warn: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields)}`) },
    },
  );
  await consumer.connect();
  consumer.subscribe([topic]);
  const received: Message[] = [];
  const deadline = Date.now() + 30_000;
  while (received.length < count && Date.now() < deadline) received.push(...(await consumer.consume(500)));
  received.push(...(await consumer.consume(500, 500))); // nothing more comes
  if (options.seen) options.seen.libraryFetched = consumer.libraryFetchedPartitions();
  await consumer.disconnect();
  return received;
}

/** What a consumer saw, field by field, in partition then offset order. */
function comparable(messages: readonly Message[]): unknown[] {
  return [...messages]
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    .map((m) => ({
      partition: m.partition,
      offset: m.offset,
      timestamp: m.timestamp,
      key: m.key === null || m.key === undefined ? null : String(m.key),
      value: m.value === null ? null : m.value.toString(),
      size: m.size,
      headers: (m.headers ?? []).map((header) => Object.entries(header).map(([name, v]) => [name, String(v)])),
    }));
}

async function withFetchPath<T>(path: 'library' | undefined, run: () => Promise<T>): Promise<T> {
  const before = process.env.SLUICE_KAFKA_FETCH;
  if (path === undefined) delete process.env.SLUICE_KAFKA_FETCH;
  else process.env.SLUICE_KAFKA_FETCH = path;
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.SLUICE_KAFKA_FETCH;
    else process.env.SLUICE_KAFKA_FETCH = before;
  }
}

function expectEveryOffsetOnce(messages: readonly Message[], perPartition: Record<number, number>): void {
  for (const [partition, count] of Object.entries(perPartition)) {
    const offsets = messages.filter((m) => m.partition === Number(partition)).map((m) => m.offset);
    expect(offsets).toEqual(Array.from({ length: count }, (_, i) => i));
  }
}

describe('direct fetch path (real broker)', () => {
  it.each([['none'], ['gzip']])(
    'reads %s-compressed records exactly as librdkafka does: keys, null values, headers, timestamps',
    async (codec) => {
      const topic = await newTopic(2);
      await produceVaried(topic, 400, { 'compression.codec': codec });
      const directSeen: { libraryFetched?: number } = {};
      const librarySeen: { libraryFetched?: number } = {};
      const direct = await withFetchPath(undefined, () => consumeAll(topic, 400, { seen: directSeen }));
      const library = await withFetchPath('library', () => consumeAll(topic, 400, { seen: librarySeen }));
      expect([directSeen.libraryFetched, librarySeen.libraryFetched]).toEqual([0, 2]);
      expect(direct).toHaveLength(400);
      expect(comparable(direct)).toEqual(comparable(library));
      expectEveryOffsetOnce(direct, { 0: 200, 1: 200 });
    },
    60_000,
  );

  it('hands a partition of lz4 batches to librdkafka: every record once, in order', async () => {
    const topic = await newTopic(2);
    await produceVaried(topic, 300, { 'compression.codec': 'lz4' });
    const warnings: string[] = [];
    const seen: { libraryFetched?: number } = {};
    const received = await consumeAll(topic, 300, { warnings, seen });
    expect(received).toHaveLength(300);
    expect(seen.libraryFetched).toBe(2);
    // the operator is told, once per partition, which partition left the direct path and why
    expect(warnings.filter((line) => line.includes('handed to librdkafka'))).toHaveLength(2);
    expect(warnings.join('\n')).toContain(`"partition":"${topic}-0"`);
    expect(warnings.join('\n')).toContain('codec 3');
    expectEveryOffsetOnce(received, { 0: 150, 1: 150 });
  }, 60_000);

  it('skips aborted transactions under read_committed and reads them under read_uncommitted', async () => {
    const topic = await newTopic(1);
    const producer = await libraryProducer({ 'transactional.id': `direct-${randomUUID()}` });
    const call = (run: (done: (error: unknown) => void) => void) =>
      new Promise<void>((resolve, reject) => run((error) => (error ? reject(error as Error) : resolve())));
    await call((done) => producer.initTransactions(10_000, done));
    for (const outcome of ['commit', 'abort', 'commit']) {
      await call((done) => {
        producer.beginTransaction(done);
      });
      for (let i = 0; i < 5; i++) producer.produce(topic, 0, Buffer.from(`${outcome}-${i}`), null);
      await flushed(producer); // in the log before the abort (an abort drops what is still queued)
      if (outcome === 'commit') await call((done) => producer.commitTransaction(10_000, done));
      else await call((done) => producer.abortTransaction(10_000, done));
    }
    await closed(producer);

    const committed = await consumeAll(topic, 10);
    expect(committed.map((m) => String(m.value))).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4].map((i) => `commit-${i}`));
    const all = await consumeAll(topic, 15, { kafka: { 'isolation.level': 'read_uncommitted' } });
    expect(all.map((m) => String(m.value)).filter((v) => v.startsWith('abort'))).toHaveLength(5);
    expect(all).toHaveLength(15);
  }, 60_000);

  it('starts at the committed offset, and at auto.offset.reset when that is out of range', async () => {
    const topic = await newTopic(1);
    await produceVaried(topic, 10, {}, 1);

    const groupId = `direct-${randomUUID()}`;
    const committer = new KafkaGroupConsumer(consumerSettings('direct-committer'), { groupId });
    await committer.connect();
    committer.subscribe([topic]);
    await committer.waitForAssignment();
    await committer.commit([{ topic, partition: 0, offset: 6 }]);
    await committer.disconnect();
    const resumed = await consumeAll(topic, 4, { groupId });
    expect(resumed.map((m) => m.offset)).toEqual([6, 7, 8, 9]);

    const far = new KafkaGroupConsumer(consumerSettings('direct-far'), { groupId });
    await far.connect();
    far.subscribe([topic]);
    await far.waitForAssignment();
    await far.commit([{ topic, partition: 0, offset: 5000 }]);
    await far.disconnect();
    const reset = await consumeAll(topic, 10, { groupId });
    expect(reset.map((m) => m.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  }, 60_000);
});
