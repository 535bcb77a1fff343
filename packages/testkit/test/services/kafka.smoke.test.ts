import { randomUUID } from 'node:crypto';
import { KafkaConsumer, Producer } from '@confluentinc/kafka-javascript';
import type { Message } from '@confluentinc/kafka-javascript';
import { requireService } from '@sluice/testkit';

// Proves the Kafka the tests use is a real broker: a message produced with acks=all comes back
// through a consumer group, with its key, value and header intact.
describe('Kafka (real broker)', () => {
  const bootstrap = requireService('kafka');

  it('round-trips a message through produce and consume', async () => {
    const topic = `smoke-${randomUUID()}`;
    const producer = new Producer({
      'bootstrap.servers': bootstrap,
      dr_cb: true,
      acks: -1,
      'enable.idempotence': true,
    });
    await new Promise<void>((resolve, reject) => producer.connect({}, (error) => (error ? reject(error) : resolve())));
    const delivered = new Promise<void>((resolve, reject) =>
      producer.once('delivery-report', (error) => (error ? reject(error) : resolve())),
    );
    producer.setPollInterval(50);
    producer.produce(topic, null, Buffer.from('hello sluice'), 'key-1', Date.now(), undefined, [{ origin: 'smoke' }]);
    await delivered;
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()));

    const consumer = new KafkaConsumer(
      { 'bootstrap.servers': bootstrap, 'group.id': `smoke-${randomUUID()}`, 'enable.auto.commit': false },
      { 'auto.offset.reset': 'earliest' },
    );
    await new Promise<void>((resolve, reject) => consumer.connect({}, (error) => (error ? reject(error) : resolve())));
    consumer.subscribe([topic]);
    const message = await consumeOne(consumer, 30_000);
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));

    expect(message.value?.toString()).toBe('hello sluice');
    expect(message.key?.toString()).toBe('key-1');
    expect(message.headers?.[0]?.origin?.toString()).toBe('smoke');
  });
});

async function consumeOne(consumer: KafkaConsumer, timeoutMs: number): Promise<Message> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const messages = await new Promise<Message[]>((resolve, reject) =>
      consumer.consume(1, (error, batch) => (error ? reject(error) : resolve(batch))),
    );
    if (messages[0]) return messages[0];
  }
  throw new Error(`no message within ${timeoutMs} ms`);
}
