import { randomUUID } from 'node:crypto';
import { KafkaAdmin, kafkaClientSettings } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';
import { KafkaConfigStore } from '../src/distributed/kafka-config-store';

// The cluster's config store on the real broker: what one worker writes, another reads back,
// in order, tombstones included; a new reader rebuilds the state from the compacted topic.
const settings = () => kafkaClientSettings(requireService('kafka'), 'config-store-test');

describe('KafkaConfigStore (real broker)', () => {
  it('serves one worker’s writes to another, and a late reader rebuilds the same state', async () => {
    const topic = `configs-${randomUUID()}`;
    const admin = new KafkaAdmin(settings());
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } });
    const writer = new KafkaConfigStore(settings(), topic);
    const reader = new KafkaConfigStore(settings(), topic);
    await Promise.all([writer.start(), reader.start()]);
    const seen: string[] = [];
    reader.onChange((name) => seen.push(name));
    await writer.put('a', { config: { name: 'a', x: '1' }, target: 'STARTED' });
    await writer.put('b', { config: { name: 'b' }, target: 'PAUSED' });
    await writer.put('a', { config: { name: 'a', x: '2' }, target: 'STOPPED' });
    await writer.remove('b');
    expect([...(await writer.load())]).toEqual([['a', { config: { name: 'a', x: '2' }, target: 'STOPPED' }]]);
    expect([...(await reader.load())]).toEqual([...(await writer.load())]);
    expect(seen).toEqual(['a', 'b', 'a', 'b']);
    const late = new KafkaConfigStore(settings(), topic);
    await late.start();
    expect([...(await late.load())]).toEqual([...(await writer.load())]);
    await Promise.all([writer.stop(), reader.stop(), late.stop()]);
    await admin.deleteTopic(topic).catch(() => undefined);
    admin.close();
  }, 60_000);
});
