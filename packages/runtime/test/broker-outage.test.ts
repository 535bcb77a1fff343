import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Message } from '@confluentinc/kafka-javascript';
import { KafkaAdmin, KafkaGroupConsumer, KafkaProducer, kafkaClientSettings, nextOffsets } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';

// The project's own broker is stopped (SIGTERM, a clean shutdown) and started again while a
// group consumer on the direct fetch path holds its partitions: its fetch connections break, its
// metadata reads fail until the broker is back, and then it goes on from where it was. Every
// record arrives once, in order per partition. Runs in the serial phase (scripts/test.mjs): the
// other suites share this broker.
const cli = path.resolve(__dirname, '../../../scripts/services/cli.mjs');
const PARTITIONS = 2;

function services(command: 'up' | 'down'): string {
  const result = spawnSync(process.execPath, [cli, command, 'kafka'], { encoding: 'utf8', timeout: 180_000 });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`services ${command} kafka failed (${result.status}):\n${output}`);
  return output;
}

async function produce(settings: ReturnType<typeof kafkaClientSettings>, topic: string, from: number, count: number) {
  const producer = new KafkaProducer(settings);
  await producer.connect();
  await producer.send(
    Array.from({ length: count }, (_, i) => ({
      topic,
      partition: (from + i) % PARTITIONS,
      key: null,
      value: Buffer.from(String(from + i)),
    })),
  );
  await producer.disconnect();
}

async function consumeUntil(consumer: KafkaGroupConsumer, received: Message[], count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (received.length < count && Date.now() < deadline) {
    const batch = await consumer.consume(500, 200);
    received.push(...batch);
    if (batch.length > 0) await consumer.commit(nextOffsets(batch));
  }
}

describe('direct fetch path across a broker restart (real broker, restarted)', () => {
  it('goes on from its positions once the broker is back: every record once, in order', async () => {
    const settings = kafkaClientSettings(requireService('kafka'), 'broker-outage');
    const topic = `outage-${randomUUID()}`;
    const admin = new KafkaAdmin(settings);
    await admin.ensureTopic({ topic, partitions: PARTITIONS, replicationFactor: 1 });
    admin.close();
    await produce(settings, topic, 0, 200);

    const warnings: string[] = [];
    const consumer = new KafkaGroupConsumer(
      { ...settings, 'session.timeout.ms': 6000 },
      { groupId: `outage-${randomUUID()}`, log: { warn: (message) => warnings.push(message) } },
    );
    await consumer.connect();
    consumer.subscribe([topic]);
    const received: Message[] = [];
    try {
      await consumeUntil(consumer, received, 200, 30_000);
      expect(received).toHaveLength(200);
      expect(consumer.libraryFetchedPartitions()).toBe(0);

      const stopped = services('down');
      // a broker this project did not start (KAFKA_BOOTSTRAP_SERVERS set to another) is not ours to stop
      expect(stopped).toMatch(/\[kafka\] (stopped|killed after timeout)/);
      await consumeUntil(consumer, received, 201, 2000); // fetches fail meanwhile; nothing arrives
      services('up');

      await produce(settings, topic, 200, 200);
      await consumeUntil(consumer, received, 400, 90_000);
      await consumeUntil(consumer, received, 401, 1000); // and nothing twice
    } finally {
      await consumer.disconnect();
    }
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const values = received.filter((m) => m.partition === partition).map((m) => Number(String(m.value)));
      expect(values).toEqual(Array.from({ length: 200 }, (_, i) => i * PARTITIONS + partition));
    }
    expect(consumer.libraryFetchedPartitions()).toBe(0); // still the direct path, no hand-over
    expect(warnings).toEqual([]);
  }, 240_000);
});
