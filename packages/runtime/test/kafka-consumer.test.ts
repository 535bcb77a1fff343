import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Message } from '@confluentinc/kafka-javascript';
import { KafkaAdmin, KafkaGroupConsumer, KafkaProducer, kafkaClientSettings } from '@sluice/runtime';
import { eventually, requireService } from '@sluice/testkit';

// The event-driven group consumer on the real broker: waiting consumers hold none of libuv's
// four pool threads, and a full buffer pauses fetching without losing or repeating a message.
const settings = (id: string) => kafkaClientSettings(requireService('kafka'), id);

/** A topic with `count` small records over `partitions`, produced `perSend` at a time (so in batches of at most that many). */
async function topicWith(count: number, partitions: number, perSend = count): Promise<string> {
  const topic = `consumer-${randomUUID()}`;
  const admin = new KafkaAdmin(settings('consumer-admin'));
  await admin.ensureTopic({ topic, partitions, replicationFactor: 1 });
  admin.close();
  const producer = new KafkaProducer(settings('consumer-producer'));
  await producer.connect();
  for (let first = 0; first < count; first += perSend) {
    await producer.send(
      Array.from({ length: Math.min(perSend, count - first) }, (_, n) => {
        const i = first + n;
        return { topic, key: Buffer.from(`k${i % 13}`), value: Buffer.from(String(i)) };
      }),
    );
  }
  await producer.disconnect();
  return topic;
}

describe('KafkaGroupConsumer (real broker)', () => {
  it('sees a subscribed topic created after the subscription within seconds, not at the metadata refresh', async () => {
    const topic = `consumer-later-${randomUUID()}`;
    // librdkafka's own refresh set far off (60 s), so a pass cannot come from it
    const consumer = new KafkaGroupConsumer(
      { ...settings('later'), 'topic.metadata.refresh.interval.ms': 60_000 },
      { groupId: `later-${randomUUID()}` },
    );
    await consumer.connect();
    consumer.subscribe([topic]);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // subscribed, the topic still missing
    const admin = new KafkaAdmin(settings('later-admin'));
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
    admin.close();
    const producer = new KafkaProducer(settings('later-producer'));
    await producer.connect();
    const producedAt = performance.now();
    await producer.send([{ topic, key: Buffer.from('k'), value: Buffer.from('first') }]);
    let messages: Message[] = [];
    while (messages.length === 0 && performance.now() - producedAt < 30_000) messages = await consumer.consume(10, 500);
    const tookMs = performance.now() - producedAt;
    await producer.disconnect();
    await consumer.disconnect();
    expect(messages.map((m) => m.value?.toString())).toEqual(['first']);
    expect(tookMs).toBeLessThan(15_000); // ~0.3 s measured; librdkafka's own refresh would take 60 s
  }, 60_000);

  it('holds no libuv pool thread while consumers wait for data', async () => {
    const topic = await topicWith(0, 1);
    const consumers = Array.from(
      { length: 8 },
      (_, i) => new KafkaGroupConsumer(settings(`idle-${i}`), { groupId: `idle-${randomUUID()}` }),
    );
    await Promise.all(consumers.map((c) => c.connect()));
    consumers.forEach((c) => c.subscribe([topic]));
    let waiting = true;
    const loops = consumers.map(async (c) => {
      while (waiting) await c.consume(100, 1000); // eight consumers, twice the pool, always waiting
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const latencies: number[] = [];
    for (let i = 0; i < 40; i++) {
      const startedAt = performance.now();
      await fs.stat(__filename); // runs on the pool
      latencies.push(performance.now() - startedAt);
    }
    waiting = false;
    await Promise.all(loops);
    await Promise.all(consumers.map((c) => c.disconnect()));
    latencies.sort((a, b) => a - b);
    // a blocking consume(n) per consumer keeps all four threads busy: each stat then waits for one
    // (a starved pool shows the consumers' 1000 ms waits; a loaded machine, tens of ms)
    expect(latencies[20]).toBeLessThan(250);
  }, 60_000);

  it('stops fetching while its buffer is full, pauses once it stays full, and loses or repeats nothing', async () => {
    const total = 5000;
    // small batches: the direct fetch path reads ahead by bytes, and a batch comes whole
    const topic = await topicWith(total, 3, 50);
    const consumer = new KafkaGroupConsumer(settings('bounded'), {
      groupId: `bounded-${randomUUID()}`,
      maxBufferedMessages: 100,
    });
    await consumer.connect();
    consumer.subscribe([topic]);
    await consumer.waitForAssignment();
    await eventually(() => consumer.buffered > 0, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500)); // nobody consumes: fetching stopped
    const bufferedWhileFull = consumer.buffered;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // full past FULL_STALL_MS: paused, polling
    const bufferedWhileStalled = consumer.buffered;
    const received: Message[] = [];
    const deadline = Date.now() + 30_000;
    while (received.length < total && Date.now() < deadline) received.push(...(await consumer.consume(37)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const extra = await consumer.consume(100, 200);
    await consumer.disconnect();

    // at most the buffer's bound plus one fetch was read ahead of the caller: 1000 messages from
    // librdkafka, or on the direct path about the bound's bytes plus a batch per partition
    expect(bufferedWhileFull).toBeGreaterThan(0);
    expect(bufferedWhileFull).toBeLessThanOrEqual(1100);
    expect(bufferedWhileStalled).toBeLessThanOrEqual(1100);
    expect(received).toHaveLength(total);
    expect(extra).toHaveLength(0);
    expect(new Set(received.map((m) => String(m.value))).size).toBe(total);
    for (const partition of [0, 1, 2]) {
      const offsets = received.filter((m) => m.partition === partition).map((m) => m.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i)); // every offset once, in order
    }
  }, 60_000);

  it('leaves the group on disconnect as a static member: the next member gets the partitions at once', async () => {
    const topic = await topicWith(10, 2);
    const groupId = `static-${randomUUID()}`;
    const member = (name: string) =>
      new KafkaGroupConsumer({ ...settings(name), 'session.timeout.ms': 45_000 }, { groupId, instanceId: name });
    const first = member(`first-${randomUUID().slice(0, 8)}`);
    await first.connect();
    first.subscribe([topic]);
    await first.waitForAssignment();
    await first.disconnect();
    const second = member(`second-${randomUUID().slice(0, 8)}`);
    await second.connect();
    second.subscribe([topic]);
    const startedAt = Date.now();
    await second.waitForAssignment();
    const waited = Date.now() - startedAt;
    await second.disconnect();
    // a static member that closed without leaving would hold its partitions for its 45 s session
    expect(waited).toBeLessThan(20_000);
    expect(second.assignment()).toEqual([]);
  }, 60_000);
});
