import type { SourceRecord } from '@sluice/sdk';
import { BatchesInFlight } from '../src/source/batches-in-flight.js';
import type { PartitionOffset } from '../src/stores/offset-store.js';

/** A promise with its resolve and reject at hand. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

const partition = { file: 'a' };
const batch = (n: number): SourceRecord[] => [
  { sourcePartition: partition, sourceOffset: { n: n * 10 + 1 }, topic: 't', value: `${n}.1` },
  { sourcePartition: partition, sourceOffset: { n: n * 10 + 2 }, topic: 't', value: `${n}.2` },
];
const turns = () => new Promise((resolve) => setTimeout(resolve, 10));

function pipeline(storeFails = false) {
  const stores: PartitionOffset[][] = [];
  const inFlight = new BatchesInFlight(async (offsets) => {
    stores.push(offsets);
    if (storeFails) throw new Error('disk full');
  });
  return { inFlight, stores };
}

describe('BatchesInFlight', () => {
  it('stores offsets in poll order only: a later batch acknowledged first waits for the one before', async () => {
    const { inFlight, stores } = pipeline();
    const [first, second] = [deferred(), deferred()];
    inFlight.add(batch(1), first.promise);
    inFlight.add(batch(2), second.promise);
    second.resolve();
    await turns();
    expect(stores).toEqual([]); // batch 1 is not acknowledged: nothing may be stored
    expect(inFlight.takeStored()).toEqual([]);
    first.resolve();
    await inFlight.drain();
    // both acknowledged by then: one store, the last offset of the partition
    expect(stores).toEqual([[{ partition, offset: { n: 22 } }]]);
    expect(inFlight.takeStored().map((records) => records[0]?.value)).toEqual(['1.1', '2.1']);
    expect(inFlight.size).toBe(0);
  });

  it('stores nothing of a failed batch or after it, and every wait rejects with its error', async () => {
    const { inFlight, stores } = pipeline();
    const [first, second, third] = [deferred(), deferred(), deferred()];
    inFlight.add(batch(1), first.promise);
    inFlight.add(batch(2), second.promise);
    inFlight.add(batch(3), third.promise);
    third.resolve();
    second.reject(new Error('not acknowledged'));
    first.resolve();
    await expect(inFlight.drain()).rejects.toThrow('not acknowledged');
    expect(stores).toEqual([[{ partition, offset: { n: 12 } }]]); // batch 1 only
    await expect(inFlight.room(10)).rejects.toThrow('not acknowledged');
  });

  it('fails on a failing store, so no batch after it counts as stored', async () => {
    const { inFlight } = pipeline(true);
    inFlight.add(batch(1), Promise.resolve());
    await expect(inFlight.drain()).rejects.toThrow('disk full');
    expect(inFlight.takeStored()).toEqual([]);
  });

  it('room() waits while the limit of batches is in flight', async () => {
    const { inFlight } = pipeline();
    const first = deferred();
    inFlight.add(batch(1), first.promise);
    inFlight.add(batch(2), Promise.resolve());
    let roomy = false;
    const room = inFlight.room(2).then(() => (roomy = true));
    await turns();
    expect(roomy).toBe(false);
    first.resolve();
    await room;
    expect(roomy).toBe(true);
  });
});
