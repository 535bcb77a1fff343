import type { LibrdKafkaError, Message } from '@confluentinc/kafka-javascript';
import { CommitConfirmations } from '../src/kafka/commit-confirmations';
import { MessageBuffer } from '../src/kafka/message-buffer';
import { inPartitions, keyOf, topicsOf } from '../src/kafka/topic-partitions';
import { Waker } from '../src/kafka/waker';

// The event-driven consumer's parts, without a broker.
const message = (partition: number, offset: number, value = 'xx'): Message =>
  ({ topic: 't', partition, offset, value: Buffer.from(value), key: 'k', size: value.length }) as Message;

describe('MessageBuffer', () => {
  it('hands messages out oldest first and keeps count and bytes exact', () => {
    const buffer = new MessageBuffer();
    for (let i = 0; i < 10; i++) buffer.push(message(i % 2, i, 'abc'));
    expect(buffer.length).toBe(10);
    expect(buffer.bytes).toBe(40); // 3 value bytes + 1 key byte each
    expect(buffer.take(3).map((m) => m.offset)).toEqual([0, 1, 2]);
    expect(buffer.length).toBe(7);
    expect(buffer.bytes).toBe(28);
    expect(buffer.remove((m) => m.partition === 1)).toBe(4); // offsets 3, 5, 7, 9
    expect(buffer.bytes).toBe(12);
  });

  it('removes exactly the messages picked, the rest in order', () => {
    const buffer = new MessageBuffer();
    for (let i = 0; i < 10; i++) buffer.push(message(i % 2, i));
    buffer.take(2);
    expect(buffer.remove((m) => m.partition === 1)).toBe(4);
    expect(buffer.take(100).map((m) => m.offset)).toEqual([2, 4, 6, 8]);
    expect(buffer.length).toBe(0);
    expect(buffer.bytes).toBe(0);
  });
});

describe('CommitConfirmations', () => {
  const offsets = (offset: number) => [{ topic: 't', partition: 0, offset }];

  it('settles the commit whose offsets the outcome names, whatever the order', async () => {
    const confirmations = new CommitConfirmations(5000);
    const first = confirmations.expect(offsets(5));
    const second = confirmations.expect(offsets(9));
    confirmations.settle({ message: 'ILLEGAL_GENERATION' } as LibrdKafkaError, offsets(9));
    confirmations.settle(undefined, offsets(5));
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toThrow(/offset commit failed: ILLEGAL_GENERATION/);
  });

  it('rejects commits that fail locally, time out, or are pending when the consumer closes', async () => {
    const confirmations = new CommitConfirmations(50);
    const local = confirmations.expect(offsets(1));
    confirmations.failed(offsets(1), new Error('not connected'));
    await expect(local).rejects.toThrow('not connected');
    await expect(confirmations.expect(offsets(2))).rejects.toThrow(/not confirmed within 50 ms/);
    const pending = confirmations.expect(offsets(3));
    confirmations.failAll(new Error('closed'));
    await expect(pending).rejects.toThrow('closed');
    confirmations.settle(undefined, offsets(3)); // a late outcome settles nothing twice
  });
});

describe('Waker', () => {
  it('releases every waiter at wake(), or each at its own time limit', async () => {
    const waker = new Waker();
    const startedAt = Date.now();
    const woken = Promise.all([waker.wait(10_000), waker.wait(10_000)]);
    waker.wake();
    await woken;
    expect(Date.now() - startedAt).toBeLessThan(1000);
    await waker.wait(30);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(30);
  });
});

describe('partition runs', () => {
  it('answers "held?" per message, asking the set once per run of one partition', () => {
    const asked: string[] = [];
    const held = new Set([keyOf({ topic: 't', partition: 0 }), keyOf({ topic: 'u', partition: 1 })]);
    const isHeld = inPartitions({ has: (key: string) => (asked.push(key), held.has(key)) });
    const batch = [message(0, 1), message(0, 2), message(1, 1), message(1, 2), message(0, 3)];
    const other = { ...message(1, 3), topic: 'u' } as Message;
    expect([...batch, other].map(isHeld)).toEqual([true, true, false, false, true, true]);
    expect(asked).toHaveLength(4); // t/0, t/1, t/0 again, u/1
  });

  it('lists the distinct topics of a batch in order of first appearance', () => {
    const named = (topic: string) => ({ topic });
    expect(topicsOf(['a', 'a', 'b', 'a', 'c', 'c'].map(named))).toEqual(['a', 'b', 'c']);
    expect(topicsOf([])).toEqual([]);
  });
});
