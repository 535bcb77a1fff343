import { RetriableError, isRetriableError } from '@sluice/sdk';
import type { SinkRecord, SinkTask } from '@sluice/sdk';
import type { Report } from '@sluice/testkit';
import { contractRecords, sinkTaskContext } from '@sluice/testkit';
import WebhookSink from '../src/index.js';
import type { Receiver } from './receiver.js';
import { startReceiver } from './receiver.js';

let receiver: Receiver;
let task: SinkTask | undefined;
const reports: Report[] = [];

beforeEach(async () => {
  receiver = await startReceiver();
  reports.length = 0;
});
afterEach(async () => {
  await task?.close();
  task = undefined;
  await receiver.close();
});

async function open(config: Record<string, unknown> = {}): Promise<SinkTask> {
  const parsed = WebhookSink.validator.parse({ url: receiver.url, ...config });
  task = await WebhookSink.createTask(parsed, sinkTaskContext(reports, new AbortController().signal));
  return task;
}

describe('WebhookSink', () => {
  it('POSTs batch.size records per request as JSON, with their coordinates and the token', async () => {
    const sink = await open({ 'batch.size': '2', 'auth.token': 's3cret' });
    const [first, ...rest] = contractRecords(4);
    const bytes: SinkRecord = {
      ...(first as SinkRecord),
      key: Buffer.from('k'),
      headers: { trace: Buffer.from('t-1') },
    };
    await sink.put([bytes, ...rest, { ...(rest[0] as SinkRecord), offset: '9', value: null }]);
    await sink.flush();
    expect(receiver.requests.map((request) => request.records.length)).toEqual([2, 2, 1]);
    expect(receiver.requests[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer s3cret',
      'user-agent': 'sluice-webhook-sink/0.1.0',
    });
    expect(receiver.accepted()[0]).toEqual({
      topic: 'contract',
      partition: 0,
      offset: '0',
      timestamp: 1_700_000_000_000,
      key: Buffer.from('k').toString('base64'),
      value: { id: 0, name: 'record 0' },
      headers: { trace: 't-1' },
    });
    expect(receiver.accepted()[4]).toMatchObject({ offset: '9', value: null });
  });

  it.each([408, 429, 500, 503])('throws RetriableError when the endpoint answers %i', async (status) => {
    const sink = await open();
    receiver.mode = status;
    const error = await sink.put(contractRecords(3)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RetriableError);
    expect((error as Error).message).toBe(`POST ${receiver.url} answered ${status}: receiver is answering ${status}`);
    expect(reports).toEqual([]);
  });

  it('throws RetriableError when the connection is dropped, refused or not answered in time', async () => {
    const sink = await open({ 'request.timeout.ms': '300' });
    receiver.mode = 'reset';
    await expect(sink.put(contractRecords(1))).rejects.toThrow(/got no answer: socket hang up/);
    receiver.mode = 'silent';
    const started = Date.now();
    await expect(sink.put(contractRecords(1))).rejects.toThrow(/got no answer: no complete answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
    await task?.close();
    await receiver.close();
    task = await open(); // the port is closed now: refused
    const refused = await task.put(contractRecords(1)).catch((error: unknown) => error);
    expect(isRetriableError(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/got no answer: connect ECONNREFUSED/);
    receiver = await startReceiver(); // for afterEach
  });

  it('sends a refused batch again one record at a time and reports only the records refused alone', async () => {
    const sink = await open({ 'batch.size': '10' });
    receiver.refuses = (record) => record.offset === '1' && record.partition === 0;
    const records = contractRecords(6);
    await sink.put(records);
    expect(receiver.accepted().map((record) => `${record.partition}/${record.offset}`)).toEqual([
      '0/0',
      '1/0',
      '1/1',
      '0/2',
      '1/2',
    ]);
    expect(reports.map((report) => report.record)).toEqual([records[2]]);
    expect(reports[0]?.error.message).toBe(
      `POST ${receiver.url} refused the record with 400: record at offset 1 is refused`,
    );
    receiver.mode = 401; // not retriable: every record is reported
    await sink.put(records.slice(0, 2));
    expect(reports).toHaveLength(3);
  });

  it('checks its config: a URL, over http or https, and hides the token', () => {
    const fields = (config: Record<string, unknown>) =>
      WebhookSink.validator
        .validate(config)
        .fields.filter((field) => field.errors.length > 0)
        .map((field) => `${field.name}: ${field.errors.join(', ')}`);
    expect(fields({ url: 'hooks.example.com/x' })).toEqual([expect.stringMatching(/^url: .*must match format "uri"/)]);
    expect(fields({ url: 'https://hooks.example.com/x?key=1' })).toEqual([]);
    const parsed = WebhookSink.validator.parse({ url: 'mailto:ops@example.com' });
    expect(WebhookSink.validate?.(parsed)).toEqual([
      { field: 'url', reason: 'must be an http:// or https:// URL, not mailto:' },
    ]);
    const shown = WebhookSink.validator.validate({ url: 'http://h/x', 'auth.token': 's3cret' });
    expect(shown.fields.find((field) => field.name === 'auth.token')?.value).toBe('[hidden]');
  });

  it('leaves the query string, which may hold a secret, out of its messages', async () => {
    receiver.mode = 503;
    task = await WebhookSink.createTask(
      WebhookSink.validator.parse({ url: `${receiver.url}?key=s3cret` }),
      sinkTaskContext(reports, new AbortController().signal),
    );
    await expect(task.put(contractRecords(1))).rejects.toThrow(`POST ${receiver.url} answered 503`);
    await expect(task.put(contractRecords(1))).rejects.not.toThrow(/s3cret/);
  });
});
