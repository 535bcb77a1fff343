import type { Message } from '@confluentinc/kafka-javascript';
import { RetriableError } from '@sluice/sdk';
import type { SinkRecord } from '@sluice/sdk';
import { ErrantRecordHandler, errorPolicyOf } from '@sluice/runtime';
import { converterFor } from '../src/converters/converter-config';
import { OriginalMessages } from '../src/sink/original-messages';
import { PendingOffsets } from '../src/sink/pending-offsets';
import { convertBatch, keepHeld } from '../src/sink/sink-records';
import type { RecordConversion } from '../src/sink/sink-records';
import { staticMemberId } from '../src/sink/group-membership';
import { TaskCalls } from '../src/sink/task-calls';
import type { TransformRecord } from '../src/transforms/transform';

// The sink runner's parts, without a broker.
const message = (partition: number, offset: number, topic = 't'): Message =>
  ({ topic, partition, offset, value: Buffer.from(`v${offset}`), size: 2 }) as Message;
const record = (partition: number, offset: number, topic = 't'): SinkRecord => ({
  topic,
  partition,
  offset: String(offset),
  key: null,
  value: `v${offset}`,
  headers: {},
  timestamp: 0,
});

describe('PendingOffsets', () => {
  it('keeps the next offset per partition and forgets what a commit covered, unless it moved on', () => {
    const pending = new PendingOffsets();
    pending.record([message(0, 4), message(1, 9), message(0, 7)]);
    const covered = pending.snapshot();
    expect(covered).toEqual([
      { topic: 't', partition: 0, offset: 8 },
      { topic: 't', partition: 1, offset: 10 },
    ]);
    pending.record([message(1, 10)]); // put after the flush began
    pending.committed(covered);
    expect(pending.snapshot()).toEqual([{ topic: 't', partition: 1, offset: 11 }]);
    pending.forget([{ topic: 't', partition: 1 }]);
    expect(pending.size).toBe(0);
  });
});

describe('OriginalMessages', () => {
  it('finds the consumed message of a record by identity, else by its coordinates', () => {
    const originals = new OriginalMessages();
    // a transform routed both topics to "merged": same coordinates, told apart by identity
    const fromA = { ...record(0, 5), topic: 'merged' };
    const fromB = { ...record(0, 5), topic: 'merged' };
    originals.add([fromA, fromB], [message(0, 5, 'a'), message(0, 5, 'b')]);
    expect(originals.find(fromB)?.topic).toBe('b');
    expect(originals.find({ ...fromA })?.topic).toBe('a'); // a copy: the first with those coordinates
    originals.add([record(1, 6)], [message(1, 6, 'c')]); // indexed after the first lookup too
    expect(originals.find(record(1, 6))?.topic).toBe('c');
    originals.clear();
    expect(originals.find(fromA)).toBeUndefined();
  });
});

describe('keepHeld', () => {
  it('keeps only the messages and records of partitions still held, pairs intact', () => {
    const batch = {
      messages: [message(0, 1), message(1, 1), message(0, 2), message(1, 2)],
      records: [record(0, 1), record(0, 2), record(1, 2)], // (1, 1) dropped by a transform
      sources: [message(0, 1), message(0, 2), message(1, 2)],
    };
    const kept = keepHeld(batch, new Set(['t\u00001']));
    expect(kept.messages.map((m) => `${m.partition}@${m.offset}`)).toEqual(['1@1', '1@2']);
    expect(kept.records.map((r) => `${r.partition}@${r.offset}`)).toEqual(['1@2']);
    expect(kept.sources.map((m) => `${m.partition}@${m.offset}`)).toEqual(['1@2']);
    expect(keepHeld(batch, new Set(['t\u00000', 't\u00001']))).toBe(batch);
  });
});

describe('TaskCalls', () => {
  it('runs calls one at a time in the order asked, past failures', async () => {
    const calls = new TaskCalls();
    const log: string[] = [];
    const step = (name: string, ms: number, fail = false) =>
      calls.run(async () => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
      });
    const results = await Promise.allSettled([step('put', 30, true), step('revoke', 1), step('flush', 5)]);
    expect(log).toEqual(['start put', 'end put', 'start revoke', 'end revoke', 'start flush', 'end flush']);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
  });
});

describe('staticMemberId', () => {
  it('is stable per worker, group and task, distinct otherwise, and in the characters Kafka allows', () => {
    const id = staticMemberId('host:/var/lib/sluice', 'connect-orders sink', 2);
    expect(id).toBe(staticMemberId('host:/var/lib/sluice', 'connect-orders sink', 2));
    expect(id).toMatch(/^[a-zA-Z0-9._-]{1,249}$/);
    expect(id).not.toBe(staticMemberId('host:/var/lib/other', 'connect-orders sink', 2));
    expect(id).not.toBe(staticMemberId('host:/var/lib/sluice', 'connect-orders sink', 3));
    expect(id).not.toBe(staticMemberId('host:/var/lib/sluice', 'connect-invoices', 2));
  });
});

describe('convertBatch', () => {
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  function conversion(
    timeoutMs: number,
    failures: number,
  ): { conversion: RecordConversion; errors: ErrantRecordHandler } {
    let left = failures;
    const policy = errorPolicyOf({ 'errors.tolerance': 'all' });
    const errors = new ErrantRecordHandler(policy, { connector: 'c', taskId: 0, log: quiet });
    return {
      errors,
      conversion: {
        keyConverter: converterFor('key', { 'key.converter': 'string' }),
        valueConverter: converterFor('value', { 'value.converter': 'string' }),
        transform: (record: TransformRecord) => {
          if (left-- > 0) throw new RetriableError('lookup service busy');
          return record;
        },
        errors,
        retry: { timeoutMs, maxDelayMs: 10, signal: new AbortController().signal },
      },
    };
  }

  it('retries a RetriableError from a transform within errors.retry.timeout', async () => {
    const { conversion: c, errors } = conversion(5000, 2);
    const batch = await convertBatch([message(0, 1)], c);
    expect(batch.records.map((r) => r.value)).toEqual(['v1']);
    expect(errors.skipped).toBe(0);
  });

  it('treats it as an errant record when errors.retry.timeout is 0', async () => {
    const { conversion: c, errors } = conversion(0, 1);
    const batch = await convertBatch([message(0, 1), message(0, 2)], c);
    expect(batch.records.map((r) => r.value)).toEqual(['v2']);
    expect(batch.messages).toHaveLength(2); // both handled: the errant one's offset is committed too
    expect(errors.skipped).toBe(1);
  });
});
