import { randomUUID } from 'node:crypto';
import { RetriableError, Type, defineSink } from '@sluice/sdk';
import type { SinkRecord } from '@sluice/sdk';
import { KafkaAdmin, KafkaProducer, SinkTaskRunner, kafkaClientSettings } from '@sluice/runtime';
import { recordingLogger, requireService } from '@sluice/testkit';

// A target that is down for longer than the consumer may go without polling
// (max.poll.interval.ms): the runner keeps the group membership with paused partitions while
// put is retried, so nothing is redelivered and no offset commit fails.
const received: SinkRecord[] = [];
let downUntil = 0;
const FlakySink = defineSink({
  name: 'FlakySink',
  version: '0.0.1',
  description: 'Fails every put while the target is down.',
  config: Type.Object({}),
  async createTask() {
    return {
      async put(records) {
        if (Date.now() < downUntil) throw new RetriableError('target is down');
        received.push(...records);
      },
      async flush() {},
      async close() {},
    };
  },
});

describe('a sink whose target is down for a while (real broker)', () => {
  it('retries put while staying in the group, then delivers everything once', async () => {
    const topic = `slow-${randomUUID()}`;
    const settings = kafkaClientSettings(requireService('kafka'), 'slow-sink');
    const admin = new KafkaAdmin(settings);
    await admin.ensureTopic({ topic, partitions: 2, replicationFactor: 1 });
    admin.close();
    const producer = new KafkaProducer(settings);
    await producer.connect();
    await producer.send(
      Array.from({ length: 200 }, (_, i) => ({ topic, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) })),
    );
    await producer.disconnect();

    downUntil = Date.now() + 60_000; // down until the runner has its first batch
    const runner = new SinkTaskRunner({
      connectorName: `slow-${topic}`,
      taskId: 0,
      connector: FlakySink,
      config: {
        'key.converter': 'string',
        'value.converter': 'string',
        'errors.retry.timeout': '-1',
        'errors.retry.delay.max.ms': '500',
      },
      taskConfig: {},
      topics: [topic],
      // the shortest poll interval the broker allows a member to miss: 6 s
      kafka: { ...settings, 'session.timeout.ms': 6000, 'max.poll.interval.ms': 6000 },
      log: recordingLogger(),
      commitIntervalMs: 200,
    });
    await runner.start();
    await runner.waitForAssignment();
    downUntil = Date.now() + 9000; // longer than max.poll.interval.ms
    while (received.length < 200 && Date.now() < downUntil + 20_000)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const metrics = runner.metricsSnapshot();
    await runner.stop();

    expect(new Set(received.map((r) => r.value)).size).toBe(200);
    expect(received).toHaveLength(200); // nothing redelivered: the group never evicted the task
    expect(metrics.offsetCommitFailures).toBe(0);
    expect(metrics.offsetCommits).toBeGreaterThan(0);
    expect(metrics.taskCalls.maxMs).toBeGreaterThan(6000);
    expect(runner.status.state).toBe('UNASSIGNED');
  }, 60_000);
});
