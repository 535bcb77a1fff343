import { randomUUID } from 'node:crypto';
import OpenSearchSink, { actionBuilder } from '@sluice/opensearch-sink';
import type { Action } from '@sluice/opensearch-sink';
import type { SinkRecord } from '@sluice/sdk';
import { admin, openTask, record } from './helpers';

afterAll(() => admin.close());

const NOV_25_2026 = Date.UTC(2026, 10, 25, 14, 30);

describe('routing and write options (real OpenSearch)', () => {
  it('merges with write.method=upsert, and refuses it with external versions', async () => {
    const { sink, get, cleanup } = await openTask({ 'write.method': 'upsert', 'document.version': 'none' });
    await sink.put([record(1, 'p1', { name: 'phone', price: 90 })]);
    await sink.put([record(2, 'p1', { stock: 4 })]);
    await sink.flush();
    expect(await get('p1')).toEqual({ name: 'phone', price: 90, stock: 4 });
    await cleanup();
    await expect(openTask({ 'write.method': 'upsert' })).rejects.toThrow(
      'write.method: upsert needs document.version=none',
    );
  });

  it('routes by the key or by a value field', async () => {
    const byKey = await openTask({ 'routing.source': 'key' });
    await byKey.sink.put([record(1, 'p1', { shop: 's9' })]);
    await byKey.sink.flush();
    expect((await byKey.all())[0]?._routing).toBe('p1');
    await byKey.cleanup();
    await expect(openTask({ 'routing.source': 'field', 'routing.field': 'shop' })).rejects.toThrow(
      'behavior.on.null.values: delete cannot find the shard with routing.source=field',
    );
    const byField = await openTask({
      'routing.source': 'field',
      'routing.field': 'shop',
      'behavior.on.null.values': 'ignore',
    });
    await byField.sink.put([record(1, 'p1', { shop: 's9' }), record(2, 'p2', { name: 'no shop' })]);
    await byField.sink.flush();
    expect((await byField.all()).map((hit) => [hit._id, hit._routing])).toEqual([['p1', 's9']]);
    expect(byField.reports.map((report) => report.error.message)).toEqual([
      'routing field shop is missing in the value at products-0@2',
    ]);
    await byField.cleanup();
  });

  it('maps topics to indices and names indices by record time', async () => {
    const mapped = `mapped-${randomUUID()}`;
    const prefix = `timed-${randomUUID()}`;
    const { sink, get, cleanup } = await openTask({
      'topic.index.map': `orders:${mapped}`,
      'index.name.template': `${prefix}-\${topic}-\${timestamp:yyyy.MM}`,
    });
    await sink.put([
      record(1, 'o1', { total: 5 }, { topic: 'orders', timestamp: NOV_25_2026 }),
      record(2, 'p1', { name: 'tv' }, { topic: 'Products', timestamp: NOV_25_2026 }),
    ]);
    await sink.flush();
    expect(await get('o1', mapped)).toEqual({ total: 5 });
    expect(await get('p1', `${prefix}-products-2026.11`)).toEqual({ name: 'tv' });
    await cleanup(mapped, `${prefix}-products-2026.11`);
  });

  it('creates each index with the configured mappings and settings', async () => {
    const { sink, index, reports, cleanup } = await openTask({
      'index.mappings': '{"dynamic":"strict","properties":{"sku":{"type":"keyword"}}}',
      'index.settings': '{"number_of_shards":2,"number_of_replicas":0}',
    });
    await sink.put([record(1, 'p1', { sku: 'A-1' }), record(2, 'p2', { other: 1 })]);
    await sink.flush();
    const created = (await admin.indices.get({ index })).body[index];
    expect(created?.mappings?.properties?.sku).toEqual({ type: 'keyword' });
    expect(created?.settings?.index?.number_of_shards).toBe('2');
    expect(reports).toHaveLength(1); // strict mapping: the unknown field is a malformed document
    await cleanup();
    await expect(openTask({ 'index.mappings': '{"properties":' })).rejects.toThrow('index.mappings: not valid JSON');
  });

  it('appends to a data stream, @timestamp from a field or the record time, without duplicates on redelivery', async () => {
    const { sink, index, cleanup } = await openTask({
      'data.stream.enabled': 'true',
      'data.stream.prefix': 'logs',
      'data.stream.timestamp.field': 'at',
      'document.id.strategy': 'topic.partition.offset',
    });
    const stream = `logs-${index}`;
    const events = [
      record(1, null, { event: 'view' }, { timestamp: NOV_25_2026 }),
      record(2, null, { event: 'buy', at: '2026-11-25T15:00:00Z' }),
    ];
    await sink.put([...events, record(3, 'p1', null)]); // a tombstone has nothing to append
    await sink.flush();
    await sink.put(events); // redelivered
    await sink.flush();
    await admin.indices.refresh({ index: stream });
    const hits = (await admin.search({ index: stream, body: { sort: [{ '@timestamp': 'desc' }] } })).body.hits.hits;
    expect(hits.map((hit) => hit._source)).toEqual([
      { event: 'buy', at: '2026-11-25T15:00:00Z', '@timestamp': '2026-11-25T15:00:00Z' },
      { event: 'view', '@timestamp': '2026-11-25T14:30:00.000Z' },
    ]);
    expect(sink.counters.versionConflicts).toBe(2);
    await cleanup();
    await admin.indices.deleteDataStream({ name: stream });
    await admin.indices.deleteIndexTemplate({ name: `sluice-${stream}` });
  });

  it('splits bulks by batch.size and by bulk.size.bytes', async () => {
    const bySize = await openTask({ 'batch.size': '3', 'linger.ms': '60000' });
    await bySize.sink.put(Array.from({ length: 7 }, (_, i) => record(i, `p${i}`, { n: i })));
    expect(bySize.sink.counters.bulkRequests).toBe(2); // two full bulks at once; one partial waits
    await bySize.sink.flush();
    expect(bySize.sink.counters.bulkRequests).toBe(3);
    expect(await bySize.all()).toHaveLength(7);
    await bySize.cleanup();
    const records = Array.from({ length: 6 }, (_, i) => record(i, `p${i}`, { text: 'x'.repeat(100) }));
    const sameLengthIndex = `sink-${randomUUID()}`;
    const oneAction = actionBuilder(
      OpenSearchSink.validator.parse({ 'connection.url': 'http://x', 'index.name.template': sameLengthIndex }),
    )(records[0] as SinkRecord) as Action;
    const byBytes = await openTask({ 'bulk.size.bytes': String(2 * oneAction.bytes + 1) });
    await byBytes.sink.put(records);
    await byBytes.sink.flush();
    expect(byBytes.sink.counters.bulkRequests).toBe(3); // two actions per bulk
    expect(await byBytes.all()).toHaveLength(6);
    await byBytes.cleanup();
  });
});
