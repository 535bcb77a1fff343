import { randomUUID } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import OpenSearchSink from '@sluice/opensearch-sink';
import type { OpenSearchSinkTask } from '@sluice/opensearch-sink';
import type { SinkRecord } from '@sluice/sdk';
import { recordingLogger, requireService, sinkTaskContext } from '@sluice/testkit';

const url = requireService('opensearch');
const admin = new Client({ node: url });
afterAll(() => admin.close());

const record = (offset: number, key: string, value: unknown): SinkRecord => ({
  topic: 'products',
  partition: 0,
  offset: String(offset),
  key,
  value,
  headers: {},
  timestamp: 0,
});

async function task(extra: Record<string, string> = {}) {
  const index = `versions-${randomUUID()}`;
  const config = OpenSearchSink.validator.parse({ 'connection.url': url, 'index.name.template': index, ...extra });
  const sink = (await OpenSearchSink.createTask(
    config,
    sinkTaskContext([], new AbortController().signal, recordingLogger()),
  )) as OpenSearchSinkTask;
  const get = async (id: string) => {
    await admin.indices.refresh({ index }, { ignore: [404] });
    const found = await admin.get({ index, id }, { ignore: [404] });
    return found.body.found ? found.body._source : null;
  };
  const cleanup = async () => {
    await sink.close();
    await admin.indices.delete({ index }, { ignore: [404] });
  };
  return { sink, get, cleanup };
}

describe('OpenSearch sink (real OpenSearch)', () => {
  it('never lets an older change overwrite a newer one (external version = offset)', async () => {
    const { sink, get, cleanup } = await task();
    await sink.put([record(5, 'p1', { name: 'phone', price: 90 })]);
    await sink.flush();
    await sink.put([record(3, 'p1', { name: 'phone', price: 100 })]); // late, older
    await sink.flush();
    expect(await get('p1')).toEqual({ name: 'phone', price: 90 });
    expect(sink.counters.versionConflicts).toBe(1);
    await cleanup();
  });

  it('deletes on a tombstone, and leaves out a MongoDB _id field', async () => {
    const { sink, get, cleanup } = await task();
    await sink.put([record(1, 'p1', { _id: 'p1', name: 'tv' }), record(2, 'p2', '{"name":"laptop"}')]);
    await sink.flush();
    expect(await get('p1')).toEqual({ name: 'tv' });
    expect(await get('p2')).toEqual({ name: 'laptop' });
    await sink.put([record(3, 'p1', null)]);
    await sink.flush();
    expect(await get('p1')).toBeNull();
    await cleanup();
  });

  it('ignores or refuses tombstones when told to', async () => {
    const ignoring = await task({ 'behavior.on.null.values': 'ignore' });
    await ignoring.sink.put([record(1, 'p1', { name: 'tv' })]);
    await ignoring.sink.flush();
    await ignoring.sink.put([record(2, 'p1', null)]);
    await ignoring.sink.flush();
    expect(await ignoring.get('p1')).toEqual({ name: 'tv' });
    await ignoring.cleanup();
    const failing = await task({ 'behavior.on.null.values': 'fail' });
    await expect(failing.sink.put([record(1, 'p1', null)])).rejects.toThrow('behavior.on.null.values=fail');
    await failing.cleanup();
  });
});
