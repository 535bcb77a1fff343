import { admin, openTask, record } from './helpers';

afterAll(() => admin.close());

describe('OpenSearch sink (real OpenSearch)', () => {
  it('never lets an older change overwrite a newer one (external version = offset)', async () => {
    const { sink, get, cleanup } = await openTask();
    await sink.put([record(5, 'p1', { name: 'phone', price: 90 })]);
    await sink.flush();
    await sink.put([record(3, 'p1', { name: 'phone', price: 100 })]); // late, older
    await sink.flush();
    expect(await get('p1')).toEqual({ name: 'phone', price: 90 });
    expect(sink.counters.versionConflicts).toBe(1);
    await cleanup();
  });

  it('takes the version from a header, e.g. the MongoDB source cluster time', async () => {
    const { sink, get, reports, cleanup } = await openTask({ 'document.version': 'header' });
    const at = (time: string) => ({ headers: { 'mongodb.cluster.time': Buffer.from(time) } });
    // offsets say the opposite of the cluster times: the header decides
    const changes = [
      record(1, 'p1', { price: 90 }, at('1764000000.7')),
      record(2, 'p1', { price: 100 }, at('1764000000.3')),
      record(3, 'p1', { price: 80 }, at('1763999999.9')),
      record(4, 'p1', { price: 70 }, at('1764000001.1')),
      record(5, 'p2', { price: 1 }), // no header: reported, not written
    ];
    for (const change of changes) {
      await sink.put([change]);
      await sink.flush(); // one at a time: bulks in flight together may land in any order
    }
    expect(await get('p1')).toEqual({ price: 70 });
    expect(await get('p2')).toBeNull();
    expect(sink.counters.versionConflicts).toBe(2);
    expect(reports.map((report) => report.error.message)).toEqual([
      'header mongodb.cluster.time at products-0@5 is missing',
    ]);
    await cleanup();
  });

  it('deletes on a tombstone, and leaves out a MongoDB _id field', async () => {
    const { sink, get, cleanup } = await openTask();
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
    const ignoring = await openTask({ 'behavior.on.null.values': 'ignore' });
    await ignoring.sink.put([record(1, 'p1', { name: 'tv' })]);
    await ignoring.sink.flush();
    await ignoring.sink.put([record(2, 'p1', null)]);
    await ignoring.sink.flush();
    expect(await ignoring.get('p1')).toEqual({ name: 'tv' });
    await ignoring.cleanup();
    const failing = await openTask({ 'behavior.on.null.values': 'fail' });
    await expect(failing.sink.put([record(1, 'p1', null)])).rejects.toThrow('behavior.on.null.values=fail');
    await failing.cleanup();
  });
});
