import { randomUUID } from 'node:crypto';
import {
  FencedError,
  KafkaAdmin,
  KafkaConfigStore,
  KafkaOffsetStore,
  KafkaTable,
  TransactionalWriter,
  kafkaClientSettings,
} from '@sluice/runtime';
import { requireService } from '@sluice/testkit';

// The cluster's config store on the real broker: what one worker writes, another reads back,
// in order, tombstones included; a new reader rebuilds the state from the compacted topic.
const settings = () => kafkaClientSettings(requireService('kafka'), 'config-store-test');

describe('KafkaConfigStore (real broker)', () => {
  it('serves one worker’s writes to another, and a late reader rebuilds the same state', async () => {
    const topic = `configs-${randomUUID()}`;
    const admin = new KafkaAdmin(settings());
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } });
    const writer = KafkaConfigStore.create(settings(), topic);
    const reader = KafkaConfigStore.create(settings(), topic);
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
    const late = KafkaConfigStore.create(settings(), topic);
    await late.start();
    expect([...(await late.load())]).toEqual([...(await writer.load())]);
    await Promise.all([writer.stop(), reader.stop(), late.stop()]);
    await admin.deleteTopic(topic).catch(() => undefined);
    admin.close();
  }, 60_000);
});

describe('KafkaOffsetStore (real broker)', () => {
  it('stores source offsets under Connect’s keys, visible to another worker; alter and reset remove them', async () => {
    const topic = `offsets-${randomUUID()}`;
    const admin = new KafkaAdmin(settings());
    await admin.ensureTopic({ topic, partitions: 3, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } });
    const one = KafkaOffsetStore.create(settings(), topic);
    const other = KafkaOffsetStore.create(settings(), topic);
    await Promise.all([one.start(), other.start()]);
    await one.set('src', [
      { partition: { file: 'a', z: 1 }, offset: { position: 10 } },
      { partition: { file: 'b' }, offset: { position: 20 } },
    ]);
    await one.set('other', [{ partition: { file: 'a', z: 1 }, offset: { position: 99 } }]);
    await other.list('src'); // catches up
    expect(await other.get('src', { z: 1, file: 'a' })).toEqual({ position: 10 }); // field order does not matter
    expect(
      (await other.list('src')).map((p) => p.offset).sort((a, b) => Number(a.position) - Number(b.position)),
    ).toEqual([{ position: 10 }, { position: 20 }]);
    await other.alter('src', [{ partition: { file: 'b' }, offset: null }]);
    expect(await one.list('src')).toEqual([{ partition: { file: 'a', z: 1 }, offset: { position: 10 } }]);
    await one.reset('src');
    expect(await other.list('src')).toEqual([]);
    expect(await other.get('other', { file: 'a', z: 1 })).toEqual({ position: 99 });
    await Promise.all([one.stop(), other.stop()]);
    await admin.deleteTopic(topic).catch(() => undefined);
    admin.close();
  }, 60_000);
});

describe('TransactionalWriter (real broker)', () => {
  it('fences the previous holder of the leader id: its writes fail and are never read', async () => {
    const topic = `fencing-${randomUUID()}`;
    const admin = new KafkaAdmin(settings());
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } });
    const id = `leader-${randomUUID()}`;
    const old = new TransactionalWriter(settings(), id);
    await old.start();
    const write = (writer: TransactionalWriter, key: string) =>
      writer.write([{ topic, key: Buffer.from(key), value: Buffer.from('"v"') }]);
    await write(old, 'before');
    const next = new TransactionalWriter(settings(), id);
    await next.start(); // takes the id: the old leader is fenced
    await expect(write(old, 'zombie')).rejects.toBeInstanceOf(FencedError);
    await write(next, 'after');
    const table = new KafkaTable<string>(settings(), topic);
    await table.start();
    expect(table.entries().map(([key]) => key)).toEqual(['before', 'after']);
    await Promise.all([table.stop(), old.stop(), next.stop()]);
    await admin.deleteTopic(topic).catch(() => undefined);
    admin.close();
  }, 60_000);
});
