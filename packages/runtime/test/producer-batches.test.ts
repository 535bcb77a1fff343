import { randomUUID } from 'node:crypto';
import type { DeliveryReport } from '@confluentinc/kafka-javascript';
import { KafkaAdmin, KafkaGroupConsumer, KafkaProducer, kafkaClientSettings } from '@sluice/runtime';
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

/**
 * A fresh topic and a connected producer for one describe block. The clients are made in
 * beforeAll, not at collection time, so a run filtered to other tests leaves none open.
 */
function brokerFixture(name: string, partitions: number, producerFor: () => KafkaProducer) {
  const fixture = { topic: `${name}-${randomUUID()}`, admin: {} as KafkaAdmin, producer: {} as KafkaProducer };
  beforeAll(async () => {
    fixture.admin = new KafkaAdmin(settings(`${name}-admin`));
    fixture.producer = producerFor();
    await fixture.admin.ensureTopic({ topic: fixture.topic, partitions, replicationFactor: 1 });
    await fixture.producer.connect();
  });
  afterAll(async () => {
    await fixture.producer.disconnect();
    await fixture.admin.deleteTopic(fixture.topic).catch(() => undefined);
    fixture.admin.close();
  });
  return fixture;
}

describe('KafkaProducer batches in flight (real broker)', () => {
  const fixture = brokerFixture(
    'batches',
    3,
    () => new KafkaProducer({ ...settings('batches-producer'), 'queue.buffering.max.messages': 50 }),
  );
  const { topic } = fixture;

  it('settles concurrent sends each with its own acknowledgements', async () => {
    const sends = ['a', 'b', 'c'].map((name, i) => fixture.producer.send(batchOf(topic, name, 200 + 100 * i)));
    const results = await Promise.all(sends);
    expect(results.map((reports) => reports.length)).toEqual([200, 300, 400]);
    expect(results.map(acknowledged)).toEqual([200, 300, 400]);
    expect(results.map(owners)).toEqual([['a'], ['b'], ['c']]);
    expect(acknowledged(results.flat())).toBe(900);
  });

  it('rejects a batch a message cannot be produced from, and later batches still settle alone', async () => {
    const tooLarge = { topic, key: null, value: Buffer.alloc(2_000_000) };
    const failing = fixture.producer.send([...batchOf(topic, 'before', 100), tooLarge, ...batchOf(topic, 'after', 10)]);
    const concurrent = fixture.producer.send(batchOf(topic, 'concurrent', 150));
    await expect(failing).rejects.toThrow(/too large/i);
    expect(owners(await concurrent)).toEqual(['concurrent']);
    expect(await concurrent).toHaveLength(150);
    const next = await fixture.producer.send(batchOf(topic, 'next', 120));
    expect(next).toHaveLength(120);
    expect(acknowledged(next)).toBe(120);
    expect(owners(next)).toEqual(['next']);
  });
});

describe("KafkaProducer with deliveryReports: 'errors' (real broker)", () => {
  const fixture = brokerFixture(
    'errors-only',
    2,
    () =>
      new KafkaProducer(
        {
          ...settings('errors-producer'),
          'queue.buffering.max.messages': 50,
          // a missing topic fails its messages within 5 s instead of being created or awaited for 30 s
          'allow.auto.create.topics': false,
          'topic.metadata.propagation.max.ms': 5000, // the overtaking test needs the lost message held up this long on a loaded machine
        },
        { deliveryReports: 'errors' },
      ),
  );
  const { topic } = fixture;

  it('resolves once every message of concurrent sends is in Kafka', async () => {
    const sent = await Promise.all([
      fixture.producer.send(batchOf(topic, 'x', 300)),
      fixture.producer.send(batchOf(topic, 'y', 200)),
    ]);
    expect(sent).toEqual([[], []]);
    // nothing was awaited after the sends: what they acknowledged is readable now
    const consumer = new KafkaGroupConsumer(settings('errors-consumer'), { groupId: `errors-${randomUUID()}` });
    await consumer.connect();
    consumer.subscribe([topic]);
    const values = new Set<string>();
    const deadline = Date.now() + 30_000;
    while (values.size < 500 && Date.now() < deadline)
      for (const message of await consumer.consume(500)) values.add(String(message.value));
    await consumer.disconnect();
    expect(values.size).toBe(500);
    expect(values.has('x-299') && values.has('y-199')).toBe(true);
  });

  it('rejects a batch with a message Kafka failed to deliver; the next batch succeeds', async () => {
    // a topic that does not exist (and is not created): its message fails after produce, when
    // the metadata says so, as a delivery report rather than a produce error
    const lost = { topic: `missing-${randomUUID()}`, key: null, value: Buffer.from('to a topic that is not there') };
    await expect(fixture.producer.send([...batchOf(topic, 'with-lost', 100), lost])).rejects.toThrow(
      /did not acknowledge a message.*topic/i,
    );
    await expect(fixture.producer.send(batchOf(topic, 'after-lost', 100))).resolves.toEqual([]);
  });

  it('produces a send at once while an earlier one still waits for its acknowledgement', async () => {
    const consumer = new KafkaGroupConsumer(settings('overtake-consumer'), { groupId: `overtake-${randomUUID()}` });
    await consumer.connect();
    consumer.subscribe([topic]);
    await consumer.waitForAssignment();
    // the lost message keeps the queue non-empty until its metadata says the topic is not there
    const lost = { topic: `missing-${randomUUID()}`, key: null, value: Buffer.from('held up') };
    let firstSettled = false;
    const first = fixture.producer.send([lost]).finally(() => (firstSettled = true));
    const second = fixture.producer.send(batchOf(topic, 'overtakes', 20));
    const values = new Set<string>();
    const deadline = Date.now() + 30_000;
    while (!values.has('overtakes-19') && Date.now() < deadline)
      for (const message of await consumer.consume(500, 20)) values.add(String(message.value));
    const seenBeforeFirstSettled = !firstSettled;
    await consumer.disconnect();
    await expect(first).rejects.toThrow(/did not acknowledge/i);
    // before the change, the second send was produced only once the first had settled
    await expect(second).rejects.toThrow(/did not acknowledge/i); // the failure may have been its own
    expect(values.has('overtakes-19')).toBe(true);
    expect(seenBeforeFirstSettled).toBe(true);
  });

  it('rejects a batch a message cannot be produced from, after draining what was produced', async () => {
    const tooLarge = { topic, key: null, value: Buffer.alloc(2_000_000) };
    await expect(fixture.producer.send([...batchOf(topic, 'before', 60), tooLarge])).rejects.toThrow(/too large/i);
    await expect(fixture.producer.send(batchOf(topic, 'next', 60))).resolves.toEqual([]);
  });
});
