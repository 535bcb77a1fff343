import { ConfigError } from '@sluice/sdk';
import type { TransformRecord } from '@sluice/runtime';
import { transformChain } from '@sluice/runtime';

// TimestampConverter with the Java SimpleDateFormat patterns Connect users write, through the
// transform chain as a connector config configures it. Expected strings are what Java's
// SimpleDateFormat writes with its time zone set to UTC, as Connect's TimestampConverter does
// (checked against OpenJDK 17, locale en_US).
const AT = Date.UTC(2023, 10, 14, 22, 13, 20, 45); // Tuesday 2023-11-14T22:13:20.045Z
const record = (value: unknown): TransformRecord => ({ topic: 't', key: null, value, headers: {} });

function converter(settings: Record<string, string>): (value: unknown) => unknown {
  const config: Record<string, string> = { transforms: 'ts', 'transforms.ts.type': 'TimestampConverter$Value' };
  for (const [key, value] of Object.entries(settings)) config[`transforms.ts.${key}`] = value;
  const chain = transformChain(config);
  return (value) => chain(record(value))?.value;
}
const toText = (format: string) => converter({ 'target.type': 'string', format });
const toMs = (format: string) => converter({ 'target.type': 'Timestamp', format });

describe('TimestampConverter with Java date patterns', () => {
  it.each([
    ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2023-11-14T22:13:20.045Z'],
    ['yyyy-MM-dd HH:mm:ss', '2023-11-14 22:13:20'],
    ['yyyyMMdd', '20231114'],
    ['dd/MM/yy', '14/11/23'],
    ['EEE, dd MMM yyyy HH:mm:ss Z', 'Tue, 14 Nov 2023 22:13:20 +0000'],
    ['EEEE d MMMM yyyy G', 'Tuesday 14 November 2023 AD'],
    ['hh:mm a', '10:13 PM'],
    ['h:mm:ss.SSS a', '10:13:20.045 PM'],
    ["h 'o''clock' a", "10 o'clock PM"],
    ["''yy''", "'23'"],
    ["'''at''' HH'''' 'o''clock'", "'at' 22'' o'clock"],
    ["yyyy-MM-dd'T'HH:mm:ssX", '2023-11-14T22:13:20Z'],
    ["yyyy-MM-dd'T'HH:mm:ss.SSSXXX", '2023-11-14T22:13:20.045Z'],
    ['D k K', '318 22 10'],
    ['u', '2'],
  ])('formats %s as Java does, in UTC', (format, expected) => {
    expect(toText(format)(AT)).toBe(expected);
  });

  it.each([
    "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
    'EEE, dd MMM yyyy HH:mm:ss.SSS Z',
    'dd.MM.yy hh:mm:ss.SSS a',
    "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
    "MMMM d, yyyy 'at' HH:mm:ss.SSS",
  ])('reads back what it wrote with %s', (format) => {
    expect(toMs(format)(toText(format)(AT))).toBe(AT);
  });

  it('reads zone offsets (Z, X, XXX) and two-digit years in the 80-years-back-20-ahead window', () => {
    expect(toMs('yyyy-MM-dd HH:mm:ss Z')('2023-11-14 23:13:20 +0100')).toBe(AT - 45);
    expect(toMs('yyyy-MM-dd HH:mm:ssXXX')('2023-11-14 17:13:20-05:00')).toBe(AT - 45);
    expect(toMs('yyyy-MM-dd HH:mm:ssX')('2023-11-15 03:43:20+0530')).toBe(AT - 45);
    expect(toMs('dd.MM.yy')('14.11.23')).toBe(Date.UTC(2023, 10, 14));
    expect(toMs('dd.MM.yy')('14.11.99')).toBe(Date.UTC(1999, 10, 14));
    expect(toMs('hh:mm a')('10:13 pm')).toBe(Date.UTC(1970, 0, 1, 22, 13)); // fields not given: the epoch's
  });

  it('refuses text that does not match, including dates that do not exist', () => {
    expect(() => toMs('yyyy-MM-dd')('2023-02-30')).toThrow('"2023-02-30" does not match the date format "yyyy-MM-dd"');
    expect(() => toMs('yyyy-MM-dd')('2023-11-14 and more')).toThrow('does not match');
  });

  it.each([
    ['YYYY-MM-dd', 'Y', 'week-based year'],
    ['yyyy-MM-dd HH:mm z', 'z', 'use Z'],
    ['HH:mm:ss.S', 'S', 'only SSS'],
    ['yyyy-ww', 'w', 'week in year'],
    ['yyyy-MM-dd q', 'q', 'not a date pattern letter'],
    ['XXXX', 'X', 'one to three letters'],
  ])('refuses %s at config validation, naming format and the letter %s', (format, letter, reason) => {
    let error: unknown;
    try {
      converter({ 'target.type': 'string', format });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('transforms.ts.format');
    expect((error as ConfigError).reason).toContain(
      `unsupported pattern letter '${letter}' in date format "${format}"`,
    );
    expect((error as ConfigError).reason).toContain(reason);
  });

  it('refuses an unterminated quote at config validation', () => {
    expect(() => converter({ 'target.type': 'unix', format: "yyyy-MM-dd'T" })).toThrow(
      /transforms\.ts\.format: unterminated quote/,
    );
  });
});
