import { randomUUID } from 'node:crypto';
import type { DeliveryReport } from '@confluentinc/kafka-javascript';
import { KafkaAdmin, KafkaProducer, kafkaClientSettings } from '@sluice/runtime';
import type { OutgoingMessage } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';

// send() tells batches apart by labelling all but one of those in flight: these check that each
// batch still settles with exactly its own acknowledgements, also after a batch failed midway.
const settings = (id: string) => kafkaClientSettings(requireService('kafka'), id);

const batchOf = (topic: string, name: string, count: number): OutgoingMessage[] =>
  Array.from({ length: count }, (_, i) => ({
    topic,
    key: Buffer.from(`${name}:${i % 5}`),
    value: Buffer.from(`${name}-${i}`),
  }));

/** How many distinct partition offsets the reports acknowledge. */
const acknowledged = (reports: DeliveryReport[]) => new Set(reports.map((r) => `${r.partition}@${r.offset}`)).size;

/** The batch names the reports' keys carry: a batch's reports must all be its own. */
const owners = (reports: DeliveryReport[]) => [...new Set(reports.map((r) => String(r.key).split(':')[0]))];

describe('KafkaProducer batches in flight (real broker)', () => {
  const admin = new KafkaAdmin(settings('batches-admin'));
  const producer = new KafkaProducer({ ...settings('batches-producer'), 'queue.buffering.max.messages': 50 });
  const topic = `batches-${randomUUID()}`;

  beforeAll(async () => {
    await admin.ensureTopic({ topic, partitions: 3, replicationFactor: 1 });
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.deleteTopic(topic).catch(() => undefined);
    admin.close();
  });

  it('settles concurrent sends each with its own acknowledgements', async () => {
    const sends = ['a', 'b', 'c'].map((name, i) => producer.send(batchOf(topic, name, 200 + 100 * i)));
    const results = await Promise.all(sends);
    expect(results.map((reports) => reports.length)).toEqual([200, 300, 400]);
    expect(results.map(acknowledged)).toEqual([200, 300, 400]);
    expect(results.map(owners)).toEqual([['a'], ['b'], ['c']]);
    expect(acknowledged(results.flat())).toBe(900);
  });

  it('rejects a batch a message cannot be produced from, and later batches still settle alone', async () => {
    const tooLarge = { topic, key: null, value: Buffer.alloc(2_000_000) };
    const failing = producer.send([...batchOf(topic, 'before', 100), tooLarge, ...batchOf(topic, 'after', 10)]);
    const concurrent = producer.send(batchOf(topic, 'concurrent', 150));
    await expect(failing).rejects.toThrow(/too large/i);
    expect(owners(await concurrent)).toEqual(['concurrent']);
    expect(await concurrent).toHaveLength(150);
    const next = await producer.send(batchOf(topic, 'next', 120));
    expect(next).toHaveLength(120);
    expect(acknowledged(next)).toBe(120);
    expect(owners(next)).toEqual(['next']);
  });
});
