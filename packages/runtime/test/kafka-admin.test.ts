import { randomUUID } from 'node:crypto';
import { KafkaAdmin, kafkaClientSettings } from '@sluice/runtime';
import { eventually, requireService } from '@sluice/testkit';

describe('kafkaClientSettings', () => {
  it('lets pass-through settings override the defaults', () => {
    const settings = kafkaClientSettings('127.0.0.1:9092', 'w1', { 'security.protocol': 'ssl', log_level: 6 });
    expect(settings).toMatchObject({
      'bootstrap.servers': '127.0.0.1:9092',
      'client.id': 'w1',
      'security.protocol': 'ssl',
      log_level: 6,
    });
  });

  it('rejects empty bootstrap servers, naming the setting', () => {
    expect(() => kafkaClientSettings(' ', 'w1')).toThrow('bootstrap.servers: must name at least one host:port');
  });
});

describe('KafkaAdmin (real broker)', () => {
  const admin = new KafkaAdmin(kafkaClientSettings(requireService('kafka'), 'runtime-test'));
  afterAll(() => admin.close());

  it('creates a topic once and reports an existing one', async () => {
    const topic = `admin-${randomUUID()}`;
    const spec = { topic, partitions: 3, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } };
    await expect(admin.ensureTopic(spec)).resolves.toBe(true);
    await expect(admin.ensureTopic(spec)).resolves.toBe(false);
    await expect(admin.listTopics()).resolves.toContain(topic);
    await admin.deleteTopic(topic);
    // The broker deletes asynchronously: its metadata may list the topic for a moment after.
    await eventually(async () => !(await admin.listTopics()).includes(topic), 10_000, 100);
  });

  it('rejects an impossible topic with the broker reason', async () => {
    const spec = { topic: `admin-${randomUUID()}`, partitions: 1, replicationFactor: 3 };
    await expect(admin.ensureTopic(spec)).rejects.toThrow(/creating topic .* failed: .*replication factor/i);
  });
});
