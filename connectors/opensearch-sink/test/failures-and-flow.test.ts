import { RetriableError, isRetriableError } from '@sluice/sdk';
import { eventually } from '@sluice/testkit';
import type { FaultProxy } from './fault-proxy';
import { startFaultProxy } from './fault-proxy';
import { admin, openTask, opensearchUrl, record } from './helpers';

// The real OpenSearch behind a fault proxy: it answers chosen bulk items with 429 (forwarding the
// rest), holds bulks, or drops connections. The shared test server cannot be made to refuse
// writes by itself: thread_pool.write.queue_size and indexing_pressure.memory.limit are static
// node settings.
let proxy: FaultProxy;
beforeEach(async () => {
  proxy = await startFaultProxy(opensearchUrl);
});
afterEach(() => proxy.close());
afterAll(() => admin.close());

const products = (count: number) => Array.from({ length: count }, (_, i) => record(i, `p${i}`, { n: i }));

function holdBulks(): () => void {
  let release = () => {};
  proxy.hold = new Promise<void>((resolve) => (release = resolve));
  return () => {
    proxy.hold = undefined;
    release();
  };
}

describe('failures and flow control (real OpenSearch behind a fault proxy)', () => {
  it('survives 429s item by item: nothing lost, no accepted document sent twice', async () => {
    const { sink, all, log, cleanup } = await openTask({ 'batch.size': '50', 'retry.backoff.ms': '20' }, proxy.url);
    const refusals = new Map<string, number>();
    proxy.reject = (item) => {
      const id = String(item.meta._id);
      const refused = refusals.get(id) ?? 0;
      // every third document is refused twice before it is let through
      if (Number(id.slice(1)) % 3 !== 0 || refused >= 2) return false;
      refusals.set(id, refused + 1);
      return true;
    };
    const total = 600;
    for (let at = 0; at < total; at += 100) await sink.put(products(total).slice(at, at + 100));
    await sink.flush();
    expect((await all()).map((hit) => hit._id).sort()).toEqual(
      products(total)
        .map((r) => r.key)
        .sort(),
    );
    expect(proxy.forwardedItems).toBe(total); // only refused items were sent again
    expect(sink.counters.retriedItems).toBe(2 * (total / 3));
    expect(log.lines.some((line) => line.message.includes('OpenSearch is pushing back'))).toBe(true);
    await cleanup();
  });

  it('rides out OpenSearch being unreachable, then fails a flush retriably once out of retries', async () => {
    const { sink, all, cleanup } = await openTask({ 'retry.backoff.ms': '100', 'max.retries': '5' }, proxy.url);
    proxy.down = true;
    setTimeout(() => (proxy.down = false), 1000); // retries wait at least 1.55 s in all
    await sink.put(products(20));
    await sink.flush();
    expect(await all()).toHaveLength(20);
    proxy.down = true;
    await sink.put([record(20, 'p20', { n: 20 })]);
    const failed = sink.flush();
    await expect(failed).rejects.toThrow(RetriableError);
    proxy.down = false;
    await sink.flush(); // the runtime's retry: what was left is sent now
    expect(await all()).toHaveLength(21);
    await cleanup();
  });

  it('starts while OpenSearch is unreachable, saying so, and indexes once it answers', async () => {
    proxy.down = true;
    const { sink, all, log, cleanup } = await openTask({ 'retry.backoff.ms': '100', 'max.retries': '10' }, proxy.url);
    expect(log.lines.find((line) => line.level === 'warn')?.message).toMatch(
      /^OpenSearch at .* does not answer: .*; the task starts and its writes wait for OpenSearch$/,
    );
    setTimeout(() => (proxy.down = false), 1000);
    await sink.put(products(5));
    await sink.flush();
    expect(await all()).toHaveLength(5);
    await cleanup();
  });

  it('keeps order without external versions: a refused change is retried before anything newer', async () => {
    const { sink, get, cleanup } = await openTask(
      { 'write.method': 'upsert', 'document.version': 'none', 'batch.size': '1', 'retry.backoff.ms': '20' },
      proxy.url,
    );
    let refusedOnce = false;
    proxy.reject = (item) => {
      const first = !refusedOnce && item.lines[1]?.includes('"price":1') === true;
      if (first) refusedOnce = true;
      return first;
    };
    await sink.put([record(1, 'p1', { price: 1 }), record(2, 'p1', { price: 2 }), record(3, 'p2', { price: 3 })]);
    await sink.flush();
    expect(refusedOnce).toBe(true);
    expect(await get('p1')).toEqual({ price: 2 }); // not overwritten by the retried older change
    expect(await get('p2')).toEqual({ price: 3 });
    await cleanup();
  });

  it('without external versions, sends bulks of different documents side by side, never two of one document', async () => {
    const { sink, get, cleanup } = await openTask(
      { 'write.method': 'upsert', 'document.version': 'none', 'batch.size': '1', 'max.in.flight.requests': '5' },
      proxy.url,
    );
    const release = holdBulks();
    await sink.put([
      record(1, 'p1', { price: 1 }),
      record(2, 'p2', { price: 2 }),
      record(3, 'p3', { price: 3 }),
      record(4, 'p1', { price: 4 }), // waits: p1's first change is in flight
      record(5, 'p4', { price: 5 }), // waits behind it: bulks keep put order
    ]);
    await eventually(() => proxy.bulkRequests === 3, 5000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(proxy.bulkRequests).toBe(3); // p1, p2, p3 in flight; not the second change of p1
    release();
    await sink.flush();
    // side by side: the three held ones at least; p1's second change and p4 may overlap p2 and p3
    // once p1's first is done (4 at most: p1's two changes never overlap)
    expect(proxy.maxConcurrentBulks).toBeGreaterThanOrEqual(3);
    expect(proxy.maxConcurrentBulks).toBeLessThanOrEqual(4);
    expect(await get('p1')).toEqual({ price: 4 });
    expect(await get('p4')).toEqual({ price: 5 });
    await cleanup();
  });

  it('keeps at most max.in.flight.requests bulks in flight', async () => {
    const { sink, all, cleanup } = await openTask({ 'batch.size': '1', 'max.in.flight.requests': '3' }, proxy.url);
    const release = holdBulks();
    await sink.put(products(10));
    await eventually(() => proxy.bulkRequests === 3, 5000);
    release();
    await sink.flush();
    expect(proxy.maxConcurrentBulks).toBe(3);
    expect(proxy.bulkRequests).toBe(10);
    expect(await all()).toHaveLength(10);
    await cleanup();
  });

  it('blocks put while max.buffered.records are held (back-pressure)', async () => {
    const { sink, all, cleanup } = await openTask(
      { 'batch.size': '2', 'max.in.flight.requests': '1', 'max.buffered.records': '4' },
      proxy.url,
    );
    const release = holdBulks();
    await sink.put(products(4));
    let accepted = false;
    const second = sink.put(products(6).slice(4)).then(() => (accepted = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(accepted).toBe(false);
    release();
    await second;
    await sink.flush();
    expect(await all()).toHaveLength(6);
    await cleanup();
  });

  it('fails a flush retriably after flush.timeout.ms instead of hanging, and loses nothing', async () => {
    const { sink, all, cleanup } = await openTask({ 'flush.timeout.ms': '300' }, proxy.url);
    const release = holdBulks();
    await sink.put(products(5));
    await expect(sink.flush()).rejects.toThrow('flush.timeout.ms (300) passed with 5 documents');
    release();
    // the runtime retries a RetriableError flush: a loaded OpenSearch may take more than 300 ms
    await flushRetrying(sink);
    expect(await all()).toHaveLength(5);
    await cleanup();
  });
});

/** flush(), again while it fails retriably (as the runtime calls it), for up to 20 s. */
async function flushRetrying(sink: { flush(): Promise<void> }): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await sink.flush();
    } catch (error) {
      if (!isRetriableError(error) || Date.now() > deadline) throw error;
    }
  }
}
