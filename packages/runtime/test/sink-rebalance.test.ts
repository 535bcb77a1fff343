import { randomUUID } from 'node:crypto';
import { Type, defineSink } from '@sluice/sdk';
import type { SinkRecord, TopicPartition } from '@sluice/sdk';
import { GroupOffsets, KafkaAdmin, KafkaProducer, SinkTaskRunner, kafkaClientSettings } from '@sluice/runtime';
import { eventually, recordingLogger, requireService } from '@sluice/testkit';

// Partition-aware sinks on the real broker: a second task joins a connector's group while
// sequence-numbered records flow. The cooperative revocation flushes and commits the moving
// partitions before they are released, so the new owner starts exactly where the old one
// stopped: every record delivered, none twice.
const settings = kafkaClientSettings(requireService('kafka'), 'sink-rebalance');
const PARTITIONS = 6;

interface Delivery {
  readonly task: number;
  readonly seq: number;
}

/** A sink recording what each task is given, and its partition lifecycle calls. */
function recordingSink(deliveries: Delivery[], events: string[]) {
  return defineSink({
    name: 'RecordingSink',
    version: '0.0.1',
    description: 'Records every put.',
    config: Type.Object({ task: Type.Integer() }),
    async createTask(config) {
      const name = (partitions: readonly TopicPartition[]) => partitions.map((p) => p.partition).join(',');
      return {
        async open(partitions) {
          events.push(`open ${config.task} ${name(partitions)}`);
        },
        async put(records: readonly SinkRecord[]) {
          for (const record of records) deliveries.push({ task: config.task, seq: Number(record.value) });
        },
        async flush() {
          events.push(`flush ${config.task}`);
        },
        async closePartitions(partitions) {
          events.push(`close ${config.task} ${name(partitions)}`);
        },
        async close() {},
      };
    },
  });
}

function runner(connector: ReturnType<typeof recordingSink>, name: string, topic: string, taskId: number) {
  return new SinkTaskRunner({
    connectorName: name,
    taskId,
    connector,
    config: { 'key.converter': 'string', 'value.converter': 'string' },
    taskConfig: { task: taskId },
    topics: [topic],
    kafka: { ...settings, 'client.id': `${name}-${taskId}` },
    log: recordingLogger(),
    // long: the only commits that matter are the ones the revocation makes
    commitIntervalMs: 60_000,
  });
}

/** Produces `total` records numbered 0.. in small bursts, keyed so that every partition gets some. */
async function produceSlowly(topic: string, total: number, perBurst: number, pauseMs: number): Promise<void> {
  const producer = new KafkaProducer(settings);
  await producer.connect();
  for (let seq = 0; seq < total; seq += perBurst) {
    const burst = Array.from({ length: Math.min(perBurst, total - seq) }, (_, i) => ({
      topic,
      key: Buffer.from(`k${(seq + i) % 97}`),
      value: Buffer.from(String(seq + i)),
    }));
    await producer.send(burst);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  await producer.disconnect();
}

describe('a sink task joining while records flow (real broker)', () => {
  it('moves partitions with a flush and commit: no record lost, none delivered twice', async () => {
    const topic = `rebalance-${randomUUID()}`;
    const name = `rebalance-${randomUUID().slice(0, 8)}`;
    const admin = new KafkaAdmin(settings);
    await admin.ensureTopic({ topic, partitions: PARTITIONS, replicationFactor: 1 });
    admin.close();
    const deliveries: Delivery[] = [];
    const events: string[] = [];
    const connector = recordingSink(deliveries, events);
    const first = runner(connector, name, topic, 0);
    await first.start();
    await first.waitForAssignment();

    const total = 6000;
    const producing = produceSlowly(topic, total, 100, 50); // about 3 s of traffic
    await eventually(async () => deliveries.length >= 1000, 20_000);
    const second = runner(connector, name, topic, 1);
    await second.start(); // joins mid-stream
    await producing;
    await eventually(async () => new Set(deliveries.map((d) => d.seq)).size === total, 30_000);
    const metrics = [first.metricsSnapshot(), second.metricsSnapshot()];
    await Promise.all([first.stop(), second.stop()]);

    const seen = new Set(deliveries.map((d) => d.seq));
    expect(seen.size).toBe(total); // nothing lost
    expect(deliveries).toHaveLength(total); // nothing delivered twice
    expect(deliveries.filter((d) => d.task === 1).length).toBeGreaterThan(0); // the second task did take over
    const partitionsOf = (prefix: string) => {
      const event = events.find((e) => e.startsWith(prefix));
      return event?.slice(prefix.length).split(',').map(Number).sort();
    };
    expect(partitionsOf('close 0 ')?.length).toBeGreaterThan(0); // the first task closed what it gave up ...
    expect(partitionsOf('open 1 ')).toEqual(partitionsOf('close 0 ')); // ... and the second opened just those
    expect(metrics.map((m) => m.assignedPartitions ?? 0).reduce((a, b) => a + b)).toBe(PARTITIONS);
    expect(metrics[0]?.assignedPartitions).toBeGreaterThan(0);
    expect(metrics[1]?.assignedPartitions).toBeGreaterThan(0);
  }, 90_000);
});

describe('a revocation, told apart from a lost assignment (real broker)', () => {
  async function afterRevocation(lost: boolean) {
    const topic = `revoke-${randomUUID()}`;
    const name = `revoke-${randomUUID().slice(0, 8)}`;
    const producer = new KafkaProducer(settings);
    await producer.connect();
    await producer.send(Array.from({ length: 100 }, (_, i) => ({ topic, key: null, value: Buffer.from(String(i)) })));
    await producer.disconnect();
    const deliveries: Delivery[] = [];
    const events: string[] = [];
    const task = runner(recordingSink(deliveries, events), name, topic, 0);
    await task.start();
    await eventually(async () => deliveries.length === 100, 20_000);
    // what the consumer calls when the group takes the partition back
    await task.revoked([{ topic, partition: 0 }], lost);
    const metrics = task.metricsSnapshot();
    const revocation = events.slice(1); // after the open
    await task.stop(); // nothing put since: no final flush
    const committed = await new GroupOffsets(settings, `connect-${name}`).list();
    return { events: revocation, metrics, committed };
  }

  it('flushes and commits revoked partitions before closing them', async () => {
    const { events, metrics, committed } = await afterRevocation(false);
    expect(events).toEqual(['flush 0', 'close 0 0']);
    expect(metrics.offsetCommits).toBe(1);
    expect(committed.map((c) => c.offset)).toEqual([100]);
  }, 60_000);

  it('drops a lost partition without flushing or committing it, and forgets its offsets', async () => {
    const { events, metrics, committed } = await afterRevocation(true);
    expect(events).toEqual(['close 0 0']); // no flush
    expect(metrics.offsetCommits).toBe(0);
    expect(committed).toEqual([]);
  }, 60_000);
});
