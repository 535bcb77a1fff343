import { randomUUID } from 'node:crypto';
import type { Message } from '@confluentinc/kafka-javascript';
import { KafkaAdmin, KafkaGroupConsumer, KafkaProducer, kafkaClientSettings, nextOffsets } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';

const settings = (id: string) => kafkaClientSettings(requireService('kafka'), id);

async function consumeAll(consumer: KafkaGroupConsumer, count: number, timeoutMs = 30_000): Promise<Message[]> {
  const messages: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (messages.length < count && Date.now() < deadline) messages.push(...(await consumer.consume(500)));
  return messages;
}

describe('nextOffsets', () => {
  it('commits the highest offset + 1 per partition', () => {
    const message = (partition: number, offset: number) => ({ topic: 't', partition, offset }) as Message;
    expect(nextOffsets([message(0, 4), message(1, 9), message(0, 7), message(0, 5)])).toEqual([
      { topic: 't', partition: 0, offset: 8 },
      { topic: 't', partition: 1, offset: 10 },
    ]);
  });
});

describe('Kafka I/O (real broker)', () => {
  const admin = new KafkaAdmin(settings('io-admin'));
  afterAll(() => admin.close());

  it('acknowledges every message of a send, in order per partition, under a tiny local queue', async () => {
    const topic = `io-${randomUUID()}`;
    await admin.ensureTopic({ topic, partitions: 2, replicationFactor: 1 });
    // a 10-message local queue forces send() to wait for room (back-pressure) many times
    const producer = new KafkaProducer({ ...settings('io-producer'), 'queue.buffering.max.messages': 10 });
    await producer.connect();
    const messages = Array.from({ length: 1000 }, (_, i) => ({
      topic,
      key: Buffer.from(`k${i % 7}`),
      value: Buffer.from(String(i)),
    }));
    const reports = await producer.send(messages);
    await producer.disconnect();
    expect(reports).toHaveLength(1000);

    const consumer = new KafkaGroupConsumer(settings('io-consumer'), { groupId: `io-${randomUUID()}` });
    await consumer.connect();
    consumer.subscribe([topic]);
    const received = await consumeAll(consumer, 1000);
    await consumer.disconnect();
    expect(received).toHaveLength(1000);
    for (const key of ['k0', 'k3']) {
      const values = received.filter((m) => m.key?.toString() === key).map((m) => Number(m.value?.toString()));
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it('resumes a group exactly after the offsets it committed', async () => {
    const topic = `io-${randomUUID()}`;
    const groupId = `io-${randomUUID()}`;
    const producer = new KafkaProducer(settings('io-producer'));
    await producer.connect();
    await producer.send(Array.from({ length: 10 }, (_, i) => ({ topic, key: null, value: Buffer.from(String(i)) })));
    await producer.disconnect();

    const first = new KafkaGroupConsumer(settings('io-first'), { groupId });
    await first.connect();
    first.subscribe([topic]);
    const all = await consumeAll(first, 10);
    const processed = all.filter((m) => m.offset < 6);
    await first.commit(nextOffsets(processed));
    await first.disconnect();

    const second = new KafkaGroupConsumer(settings('io-second'), { groupId });
    await second.connect();
    second.subscribe([topic]);
    const rest = await consumeAll(second, 4);
    await second.disconnect();
    expect(rest.map((m) => m.value?.toString())).toEqual(['6', '7', '8', '9']);
  });
});
