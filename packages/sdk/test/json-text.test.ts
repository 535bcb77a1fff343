import { scanJsonText } from '@sluice/sdk';

const scan = (text: string, member?: string) => scanJsonText(Buffer.from(text), member);

/** A small deterministic generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['a', 'b', 'name', 'é', '日本', '😀', 'x y', 'tab\t', 'q"', 'back\\', '_id'];

function value(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 5 : 7));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return Math.round((next() - 0.5) * 1e6) / (next() < 0.5 ? 1 : 1000);
    case 3:
    case 4:
      return WORDS[Math.floor(next() * WORDS.length)] as string;
    case 5:
      return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let k = Math.floor(next() * 5); k > 0; k--) object[`k${Math.floor(next() * 8)}`] = value(next, depth + 1);
      return object;
    }
  }
}

describe('scanJsonText', () => {
  it('accepts what JSON.stringify writes, with the top-level type', () => {
    const next = random(7);
    for (let n = 0; n < 3000; n++) {
      const data = value(next, 0);
      const result = scan(JSON.stringify(data));
      expect(result).toBeDefined();
      const type = Array.isArray(data) ? 'array' : data === null || typeof data === 'boolean' ? 'literal' : typeof data;
      expect(result?.type).toBe(type);
    }
  });

  it('never accepts what JSON.parse refuses: random damage to valid text', () => {
    const next = random(11);
    const noise = ['', ' ', '"', '\\', ',', ':', '{', '}', '[', ']', '0', '-', '.', 'e', 'u', 'x', '\u0001', '\n', 'é'];
    let accepted = 0;
    for (let n = 0; n < 20000; n++) {
      const bytes = Buffer.from(JSON.stringify(value(next, 0)));
      const at = Math.floor(next() * (bytes.length + 1));
      const cut = Math.floor(next() * 3);
      const insert = Buffer.from(noise[Math.floor(next() * noise.length)] as string);
      const damaged = Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(Math.min(bytes.length, at + cut))]);
      const result = scanJsonText(damaged);
      if (result === undefined) continue;
      accepted++;
      const text = damaged.toString('utf8');
      expect(() => JSON.parse(text)).not.toThrow();
      expect(Buffer.from(text).equals(damaged)).toBe(true); // well-formed UTF-8
      expect(text).not.toMatch(/[\r\n]/);
    }
    expect(accepted).toBeGreaterThan(1000); // some damage leaves valid JSON (a space, a digit)
  });

  it.each([
    ['a repeated key', '{"a":1,"b":2,"a":3}'],
    ['a repeated nested key', '{"o":{"x":1,"x":1}}'],
    ['a key with an escape', '{"\\u0061":1}'],
    ['a lone surrogate escape', '"\\ud800"'],
    ['a number that overflows', '[1e400]'],
    ['a line break between tokens', '{"a":1,\n"b":2}'],
    ['a CR between tokens', '{"a":1}\r'],
    ['ill-formed UTF-8', Buffer.from([0x22, 0xc3, 0x28, 0x22]).toString('latin1')],
    ['a byte order mark', '\ufeff{}'],
    ['a trailing comma', '{"a":1,}'],
    ['a leading zero', '01'],
    ['two values', '{} {}'],
    ['nothing', ''],
  ])('leaves %s to the parse', (_name, text) => {
    const bytes = _name === 'ill-formed UTF-8' ? Buffer.from(text, 'latin1') : Buffer.from(text);
    expect(scanJsonText(bytes)).toBeUndefined();
  });

  it('accepts escapes in values, supplementary characters, spaces and tabs', () => {
    expect(scan(' { "a" :\t"\\n\\"\\u00e9\\ud83d" ,"b":[ ] } ')).toBeUndefined(); // \ud83d alone is a lone surrogate
    expect(scan(' { "a" :\t"\\n\\"\\u00e9😀" ,"b":[ ] } ')?.type).toBe('object');
    expect(scan('-0.5e-12')?.type).toBe('number');
  });

  it('gives the bytes that cut a top-level member and one comma', () => {
    const cut = (text: string) => {
      const result = scan(text, '_id');
      if (result === undefined || result.memberStart < 0) return result && 'absent';
      return text.slice(0, result.memberStart) + text.slice(result.memberEnd);
    };
    expect(cut('{"_id":{"$oid":"x"},"a":1}')).toBe('{"a":1}');
    expect(cut('{"a":1, "_id":2}')).toBe('{"a":1}');
    expect(cut('{"a":1,"_id":[1,{"_id":3}],"b":2}')).toBe('{"a":1,"b":2}');
    expect(cut('{"_id":1}')).toBe('{}');
    expect(cut('{"a":{"_id":1},"_idx":2}')).toBe('absent');
    for (const text of ['{"_id":{"$oid":"x"},"a":1}', '{"a":1, "_id":2}', '{"_id":1}'])
      expect(JSON.parse(cut(text) as string)).not.toHaveProperty('_id');
  });
});

describe('scanJsonText, one scan after another', () => {
  it('starts each scan afresh: no member range, key or failure carried over', () => {
    expect(scan('{"_id":1,"a":2}', '_id')?.memberStart).toBe(1);
    expect(scan('{"a":2}', '_id')?.memberStart).toBe(-1);
    expect(scan('{"a":1,"b":{"c":')).toBeUndefined(); // stops with two objects open
    expect(scan('{"a":1,"b":{"c":2}}')?.type).toBe('object');
    expect(scan('{"b":{"c":1,"c":2}}')).toBeUndefined(); // a repeat is still seen
    expect(scan('{"c":1,"d":{"c":2}}')?.type).toBe('object'); // the same key one level down is not a repeat
  });
});
