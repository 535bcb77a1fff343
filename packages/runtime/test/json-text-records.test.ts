import type { Message } from '@confluentinc/kafka-javascript';
import { ErrantRecordHandler, errorPolicyOf } from '@sluice/runtime';
import { converterFor } from '../src/converters/converter-config';
import { convertBatch, takesValueJsonText } from '../src/sink/sink-records';
import type { RecordConversion } from '../src/sink/sink-records';
import { noTransforms } from '../src/transforms/transform-chain';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const message = (offset: number, value: string | null): Message => ({
  topic: 't',
  partition: 0,
  offset,
  key: Buffer.from(`k${offset}`),
  value: value === null ? null : Buffer.from(value),
  size: value?.length ?? 0,
  timestamp: 1000 + offset,
});

function conversion(sinkAsks: boolean, schemas = 'false', transform = noTransforms) {
  const errors = new ErrantRecordHandler(errorPolicyOf({ 'errors.tolerance': 'all' }), {
    connector: 'c',
    taskId: 0,
    log: quiet,
  });
  const settings = { 'value.converter': 'json', 'value.converter.schemas.enable': schemas };
  const valueConverter = converterFor('value', settings);
  const conversion: RecordConversion = {
    keyConverter: converterFor('key', { 'key.converter': 'string' }),
    valueConverter,
    transform,
    errors,
    retry: { timeoutMs: 0, maxDelayMs: 10, signal: new AbortController().signal },
    valueJsonText: takesValueJsonText(sinkAsks, valueConverter, transform),
  };
  return { conversion, errors };
}

describe('sink records with JSON text values (valueJsonText)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('hands the bytes over and parses the value only when it is read, once', async () => {
    const { conversion: c } = conversion(true);
    const text = '{"_id":{"$oid":"x"},"name":"café","n":12345678901234567890}';
    const parse = jest.spyOn(JSON, 'parse');
    const [record] = (await convertBatch([message(7, text)], c)).records;
    expect(parse).not.toHaveBeenCalled();
    expect(record?.valueJson?.toString()).toBe(text);
    expect(record).toMatchObject({ topic: 't', partition: 0, offset: '7', key: 'k7', timestamp: 1007 });
    expect(record?.value).toEqual(JSON.parse(text));
    expect(record?.value).toBe(record?.value);
    expect(parse).toHaveBeenCalledTimes(2); // the read above and the test's own expected value
  });

  it('parses as before what the scan leaves to the parse, and reports what does not parse', async () => {
    const { conversion: c, errors } = conversion(true);
    const batch = await convertBatch(
      [message(0, '{\n  "a": 1\n}'), message(1, '{"a":'), message(2, null), message(3, '{"a":1,"a":2}')],
      c,
    );
    expect(batch.records.map((r) => [r.offset, r.value, r.valueJson])).toEqual([
      ['0', { a: 1 }, undefined],
      ['2', null, undefined],
      ['3', { a: 2 }, undefined],
    ]);
    expect(batch.messages).toHaveLength(4);
    expect(errors.skipped).toBe(1);
  });

  it('gives no text unless the sink asks for it and the converter reads plain JSON', async () => {
    const plain = await convertBatch([message(0, '{"a":1}')], conversion(false).conversion);
    expect(plain.records[0]).toEqual(expect.objectContaining({ value: { a: 1 } }));
    expect(plain.records[0]?.valueJson).toBeUndefined();
    const envelope = '{"schema":{"type":"struct","optional":false,"fields":[]},"payload":{"a":1}}';
    const withSchemas = await convertBatch([message(0, envelope)], conversion(true, 'true').conversion);
    expect(withSchemas.records[0]?.value).toEqual({ a: 1 });
    expect(withSchemas.records[0]?.valueJson).toBeUndefined();
    const transformed = await convertBatch([message(0, '{"a":1}')], conversion(true, 'false', (r) => r).conversion);
    expect(transformed.records[0]?.value).toEqual({ a: 1 });
    expect(transformed.records[0]?.valueJson).toBeUndefined();
  });
});
