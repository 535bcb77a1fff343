import { MalformedRecordError, checkSourceRecords } from '@sluice/runtime';

// Unit tests (no broker): what a source task's poll() may return. The runner test with the real
// broker (source-task-semantics.test.ts) shows what the task's status and Kafka see.
const good = { sourcePartition: { file: 'a' }, sourceOffset: { position: 1 }, topic: 't', value: 'v' };

function problemWith(record: unknown, index = 1): string {
  try {
    checkSourceRecords([good, record, good]);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedRecordError);
    expect((error as MalformedRecordError).index).toBe(index);
    return (error as Error).message;
  }
  throw new Error('the record was accepted');
}

describe('checkSourceRecords', () => {
  it.each([
    [{ ...good, topic: undefined }, 'poll() returned record 1 with no topic (field "topic")'],
    [{ ...good, topic: '' }, 'poll() returned record 1 with an empty topic (field "topic")'],
    [{ ...good, topic: 42 }, 'poll() returned record 1 whose topic is a number, not a string (field "topic")'],
    [{ ...good, sourcePartition: undefined }, 'with no sourcePartition (field "sourcePartition")'],
    [{ ...good, sourcePartition: null }, 'whose sourcePartition is null, not an object (field "sourcePartition")'],
    [{ ...good, sourceOffset: undefined }, 'poll() returned record 1 with no sourceOffset (field "sourceOffset")'],
    [{ ...good, sourceOffset: [1] }, 'whose sourceOffset is an array, not an object (field "sourceOffset")'],
    [{ ...good, sourceOffset: 7 }, 'whose sourceOffset is a number, not an object (field "sourceOffset")'],
    [{ ...good, value: undefined }, 'whose value is undefined (a tombstone\'s value is null) (field "value")'],
    [{ ...good, headers: 'x' }, 'whose headers are a string, not an object (field "headers")'],
    [{ ...good, headers: { id: 7 } }, 'whose header "id" is a number, not a string or a Buffer (field "headers.id")'],
    [{ ...good, timestamp: -1 }, 'whose timestamp is -1, not ms since the epoch (an integer >= 0) (field "timestamp")'],
    [{ ...good, timestamp: 1.5 }, 'whose timestamp is 1.5, not ms since the epoch'],
    [{ ...good, timestamp: '2024-01-01' }, 'whose timestamp is a string, not ms since the epoch'],
    [null, 'poll() returned record 1 that is null, not a record object'],
  ])('refuses %j naming index and field', (record, message) => {
    expect(problemWith(record)).toContain(message);
  });

  it('names the field of the first bad record, and never shows values', () => {
    const secret = { ...good, topic: { password: 'hunter2' } };
    const message = problemWith(secret);
    expect(message).toBe('poll() returned record 1 whose topic is an object, not a string (field "topic")');
  });

  it('accepts what the contract allows: tombstones, Buffer headers, timestamp 0, empty maps, any key', () => {
    const records = [
      { ...good, value: null },
      { ...good, headers: { a: 'x', b: Buffer.from('y') }, timestamp: 0 },
      { sourcePartition: {}, sourceOffset: {}, topic: 't', key: { id: 1 }, value: 0 },
    ];
    expect(() => checkSourceRecords(records)).not.toThrow();
    expect(() => checkSourceRecords([])).not.toThrow();
  });

  it('refuses a result that is not an array', () => {
    expect(() => checkSourceRecords(undefined)).toThrow('poll() returned undefined, not an array of records');
    expect(() => checkSourceRecords(good)).toThrow('poll() returned an object, not an array of records');
  });
});
