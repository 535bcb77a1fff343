import type { SinkRecord } from '@sluice/sdk';
import OpenSearchSink, { actionBuilder, bulkBody, indexNamer } from '@sluice/opensearch-sink';
import type { Action } from '@sluice/opensearch-sink';
import { DocumentsInFlight } from '../src/documents-in-flight.js';
import { admin, record as baseRecord } from './helpers';

afterAll(() => admin.close());

/** A record of topic `Bücher` (so its index name is not ASCII), with its value's text when `text` is given. */
const record = (offset: number, key: string | null, value: unknown, text?: string): SinkRecord =>
  baseRecord(offset, key, value, { topic: 'Bücher', ...(text === undefined ? {} : { valueJson: Buffer.from(text) }) });

const build = (extra: Record<string, string> = {}) =>
  actionBuilder(
    OpenSearchSink.validator.parse({
      'connection.url': 'http://127.0.0.1:1',
      'index.name.template': 'ß-${topic}',
      ...extra,
    }),
  );

describe('bulk bodies', () => {
  it('holds each action as NDJSON lines, in UTF-8, with Action.bytes its exact share', () => {
    const text = '{"_id":"k","name":"Ünïcödé 😀","n":9007199254740993}';
    const actions = [
      build()(record(1, 'ключ', { name: 'serialized', note: '日本' })),
      build()(record(2, 'k', JSON.parse(text), text)),
      build()(record(3, 'gone', null)),
      build({ 'write.method': 'upsert', 'document.version': 'none' })(record(4, 'u', { a: 1 }, '{"a":1}')),
    ] as Action[];
    const body = bulkBody(actions).toString('utf8');
    expect(body.split('\n')).toEqual([
      '{"index":{"_index":"ß-bücher","_id":"ключ","version":1,"version_type":"external"}}',
      '{"name":"serialized","note":"日本"}',
      '{"index":{"_index":"ß-bücher","_id":"k","version":2,"version_type":"external"}}',
      '{"name":"Ünïcödé 😀","n":9007199254740993}',
      '{"delete":{"_index":"ß-bücher","_id":"gone","version":3,"version_type":"external"}}',
      '{"update":{"_index":"ß-bücher","_id":"u"}}',
      '{"doc":{"a":1},"doc_as_upsert":true}',
      '',
    ]);
    expect(actions.reduce((sum, action) => sum + action.bytes, 0)).toBe(Buffer.byteLength(body));
    expect(bulkBody(actions.slice(1, 2)).length).toBe(actions[1]?.bytes);
  });

  it('leaves the record bytes it was given as they were', () => {
    const text = '{"a":1,"_id":2,"b":3}';
    const given = record(1, 'k', JSON.parse(text), text);
    bulkBody([build()(given) as Action]);
    expect(given.valueJson?.toString()).toBe(text);
  });
});

describe('index names', () => {
  it('follows each record: topic and UTC hour, in any order', () => {
    const namer = indexNamer(
      OpenSearchSink.validator.parse({
        'connection.url': 'http://127.0.0.1:1',
        'index.name.template': 'logs-${topic}-${timestamp:yyyy.MM.dd.HH}',
      }),
    );
    const at = (topic: string, iso: string) => namer({ ...record(0, null, {}), topic, timestamp: Date.parse(iso) });
    expect(at('A', '2026-12-07T23:59:59.999Z')).toBe('logs-a-2026.12.07.23');
    expect(at('A', '2026-12-08T00:00:00.000Z')).toBe('logs-a-2026.12.08.00');
    expect(at('B', '2026-12-08T00:30:00.000Z')).toBe('logs-b-2026.12.08.00');
    expect(at('A', '2026-12-07T23:00:00.000Z')).toBe('logs-a-2026.12.07.23');
    expect(at('A', '1969-12-31T23:30:00.000Z')).toBe('logs-a-1969.12.31.23');
  });
});

describe('documents in flight', () => {
  it('holds a document by index and id until every bulk holding it is done', () => {
    const upsert = build({ 'write.method': 'upsert', 'document.version': 'none' });
    const bucher = (key: string) => upsert(record(0, key, { a: 1 })) as Action;
    const other = upsert({ ...record(0, 'k1', { a: 1 }), topic: 'other' }) as Action;
    const documents = new DocumentsInFlight();
    documents.hold([bucher('k1')], 1);
    documents.hold([bucher('k1')], 1);
    expect(documents.disjointPrefix([other, bucher('k2'), bucher('k1')], 3)).toBe(2); // same id, other index: free
    documents.hold([bucher('k1')], -1);
    expect(documents.disjointPrefix([bucher('k1')], 1)).toBe(0); // one bulk still holds it
    documents.hold([bucher('k1')], -1);
    expect(documents.disjointPrefix([bucher('k1')], 1)).toBe(1);
  });
});
