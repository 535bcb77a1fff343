import { admin, opensearchUrl, openTask, record } from './helpers';

afterAll(() => admin.close());

/** A record as the runtime hands it to a sink that declares valueJsonText: the text and its parse. */
const textRecord = (offset: number, key: string, text: string) =>
  record(offset, key, JSON.parse(text), { valueJson: Buffer.from(text) });

/** The stored _source as OpenSearch returns it: its exact bytes, unparsed. */
async function rawSource(index: string, id: string): Promise<string> {
  const answer = await fetch(`${opensearchUrl}/${index}/_source/${id}`);
  expect(answer.status).toBe(200);
  return answer.text();
}

describe('values sent as their own JSON text (real OpenSearch)', () => {
  it('stores the text as it came, a top-level _id cut out, every digit kept (2^53 + 1 would parse to 2^53)', async () => {
    const { sink, index, cleanup } = await openTask();
    const first = '{"_id":{"$oid":"6743"},"name":"Bücher ™","n":9007199254740993,"sub":{"_id":5}}';
    const last = '{"sku":"p2", "_id":"p2"}';
    const plain = '{"n": 9007199254740993, "s":"é"}';
    await sink.put([
      textRecord(1, 'p1', first),
      textRecord(2, 'p2', last),
      textRecord(3, 'p3', '{"_id":3}'),
      textRecord(4, 'p4', plain),
    ]);
    await sink.flush();
    expect(await rawSource(index, 'p1')).toBe('{"name":"Bücher ™","n":9007199254740993,"sub":{"_id":5}}');
    expect(await rawSource(index, 'p2')).toBe('{"sku":"p2"}');
    expect(await rawSource(index, 'p3')).toBe('{}');
    expect(await rawSource(index, 'p4')).toBe(plain);
    await cleanup();
  });

  it('merges text values with write.method=upsert', async () => {
    const { sink, get, cleanup } = await openTask({ 'write.method': 'upsert', 'document.version': 'none' });
    await sink.put([textRecord(1, 'p1', '{"name":"phone","price":90}')]);
    await sink.put([textRecord(2, 'p1', '{"_id":"p1","stock":4}')]);
    await sink.flush();
    expect(await get('p1')).toEqual({ name: 'phone', price: 90, stock: 4 });
    await cleanup();
  });

  it('serializes the value when the text is not an object, and reports what is not a document', async () => {
    const { sink, get, reports, cleanup } = await openTask();
    const asString = JSON.stringify('{"name":"in a string"}');
    await sink.put([textRecord(1, 'p1', asString), textRecord(2, 'p2', '[1,2]')]);
    await sink.flush();
    expect(await get('p1')).toEqual({ name: 'in a string' });
    expect(reports.map((r) => r.error.message)).toEqual(['the value at products-0@2 is not a JSON object']);
    await cleanup();
  });
});
