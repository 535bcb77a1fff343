/**
 * A scan of JSON text that tells whether its bytes can be sent on as they are, in place of
 * `JSON.stringify(JSON.parse(text))`: no objects are built, so a sink that writes JSON skips a
 * parse and a stringify per record.
 *
 * Contract: when `scanJsonText` returns a result, the bytes are one JSON value (RFC 8259) that
 * `JSON.parse` reads, in well-formed UTF-8, on one line (no CR or LF between tokens), with no
 * repeated key in any object, no lone surrogate escape and no number that parses to ±Infinity.
 * For such text the bytes and the parsed value say the same (numbers keep every digit the text
 * has). `undefined` means "not certain", never "invalid": the caller parses the text as before.
 * Some valid JSON is left to the parse on purpose: text over 64 levels deep, objects of more than
 * 64 keys, keys with escapes, exponents of three or more digits, integer parts over 100 digits.
 */
export interface JsonTextScan {
  /** The type of the top-level value. */
  readonly type: 'object' | 'array' | 'string' | 'number' | 'literal';
  /**
   * The bytes `[memberStart, memberEnd)` to cut to leave out the top-level member whose key is
   * the `member` asked for (with one comma, so what is left is JSON); both -1 when absent.
   */
  readonly memberStart: number;
  readonly memberEnd: number;
}

const MAX_DEPTH = 64;
const MAX_KEYS = 64;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

/** See JsonTextScan. `member`: a top-level key whose member's bytes to report. */
export function scanJsonText(bytes: Uint8Array, member?: string): JsonTextScan | undefined {
  const scan = scanner.reset(bytes, member === undefined ? undefined : memberBytes(member));
  const start = scan.space(0);
  const end = scan.value(start, 0);
  if (end < 0 || scan.space(end) !== bytes.length) return undefined;
  const type = typeOf(bytes[start] as number);
  if (member === undefined) return WITHOUT_MEMBER[type]; // shared: nothing of this scan's own to report
  return { type, memberStart: scan.memberStart, memberEnd: scan.memberEnd };
}

const WITHOUT_MEMBER: Readonly<Record<JsonTextScan['type'], JsonTextScan>> = Object.freeze({
  object: Object.freeze({ type: 'object', memberStart: -1, memberEnd: -1 }),
  array: Object.freeze({ type: 'array', memberStart: -1, memberEnd: -1 }),
  string: Object.freeze({ type: 'string', memberStart: -1, memberEnd: -1 }),
  number: Object.freeze({ type: 'number', memberStart: -1, memberEnd: -1 }),
  literal: Object.freeze({ type: 'literal', memberStart: -1, memberEnd: -1 }),
});

let lastMember: { text: string; bytes: Buffer } | undefined;

/** The member key's UTF-8 bytes; the last one is kept (a sink asks for the same key every time). */
function memberBytes(text: string): Buffer {
  if (lastMember?.text !== text) lastMember = { text, bytes: Buffer.from(text) };
  return lastMember.bytes;
}

function typeOf(first: number): JsonTextScan['type'] {
  if (first === 0x7b) return 'object';
  if (first === 0x5b) return 'array';
  if (first === QUOTE) return 'string';
  return first === 0x74 || first === 0x66 || first === 0x6e ? 'literal' : 'number';
}

/**
 * One scan's state. Each method takes the index to read at and returns the index after what it
 * read, or -1 when the text is not certain (see JsonTextScan); -1 is passed up unchanged.
 * One instance serves every scan (`reset` starts the next): a scan runs to its end without
 * yielding, so two never overlap, and a record's scan allocates nothing but its result.
 */
class Scan {
  memberStart = -1;
  memberEnd = -1;
  /**
   * Key content ranges [start, end) of the objects open, in pairs, in `keys[0, keyCount)`; an
   * object's keys start at its base. The array is never shortened (V8 would drop its storage).
   */
  private readonly keys: number[] = [];
  private keyCount = 0;
  private escaped = false;
  private bytes: Uint8Array = new Uint8Array(0);
  private member: Buffer | undefined;

  reset(bytes: Uint8Array, member: Buffer | undefined): this {
    this.bytes = bytes;
    this.member = member;
    this.memberStart = -1;
    this.memberEnd = -1;
    this.keyCount = 0;
    this.escaped = false;
    return this;
  }

  space(at: number): number {
    const { bytes } = this;
    let i = at;
    let byte = bytes[i];
    while (byte === 0x20 || byte === 0x09) byte = bytes[++i];
    return i;
  }

  value(at: number, depth: number): number {
    switch (this.bytes[at]) {
      case 0x7b:
        return depth < MAX_DEPTH ? this.object(at, depth) : -1;
      case 0x5b:
        return depth < MAX_DEPTH ? this.array(at, depth) : -1;
      case QUOTE:
        return this.string(at);
      case 0x74:
        return this.literal(at, 'true');
      case 0x66:
        return this.literal(at, 'false');
      case 0x6e:
        return this.literal(at, 'null');
      default:
        return this.number(at);
    }
  }

  private object(at: number, depth: number): number {
    const base = this.keyCount;
    let i = this.space(at + 1);
    if (this.bytes[i] === 0x7d) return i + 1;
    let comma = -1;
    for (;;) {
      const keyStart = i;
      if (this.bytes[i] !== QUOTE || (i = this.string(i)) < 0 || this.escaped) return -1;
      if (!this.newKey(base, keyStart + 1, i - 1)) return -1;
      i = this.space(i);
      if (this.bytes[i] !== COLON) return -1;
      if ((i = this.value(this.space(i + 1), depth + 1)) < 0) return -1;
      if (depth === 0) this.noteMember(keyStart, i, comma);
      i = this.space(i);
      if (this.bytes[i] === 0x7d) break;
      if (this.bytes[i] !== COMMA) return -1;
      comma = i;
      i = this.space(i + 1);
    }
    this.keyCount = base;
    return i + 1;
  }

  /** Records the key [start, end) of the object whose keys begin at `base`; false for a repeat or too many. */
  private newKey(base: number, start: number, end: number): boolean {
    const { bytes, keys, keyCount } = this;
    if (keyCount - base >= 2 * MAX_KEYS) return false;
    for (let k = base; k < keyCount; k += 2) {
      const otherStart = keys[k] as number;
      if ((keys[k + 1] as number) - otherStart !== end - start) continue;
      let same = true;
      for (let j = 0; same && j < end - start; j++) same = bytes[start + j] === bytes[otherStart + j];
      if (same) return false;
    }
    keys[keyCount] = start;
    keys[keyCount + 1] = end;
    this.keyCount = keyCount + 2;
    return true;
  }

  /** A top-level member [keyStart, end) whose key is `member`: the range that cuts it and one comma. */
  private noteMember(keyStart: number, end: number, commaBefore: number): void {
    const { member, bytes } = this;
    if (member === undefined) return;
    const keyEnd = keyStart + 1 + member.length;
    if (bytes[keyEnd] !== QUOTE) return;
    for (let j = 0; j < member.length; j++) if (bytes[keyStart + 1 + j] !== member[j]) return;
    const after = this.space(end);
    if (bytes[after] === COMMA) [this.memberStart, this.memberEnd] = [keyStart, this.space(after + 1)];
    else if (commaBefore >= 0) [this.memberStart, this.memberEnd] = [commaBefore, end];
    else [this.memberStart, this.memberEnd] = [keyStart, end];
  }

  private array(at: number, depth: number): number {
    let i = this.space(at + 1);
    if (this.bytes[i] === 0x5d) return i + 1;
    for (;;) {
      if ((i = this.value(i, depth + 1)) < 0) return -1;
      i = this.space(i);
      if (this.bytes[i] === 0x5d) return i + 1;
      if (this.bytes[i] !== COMMA) return -1;
      i = this.space(i + 1);
    }
  }

  /** A string at `at` (its opening quote); sets `escaped` when it holds an escape. */
  private string(at: number): number {
    const { bytes } = this;
    const end = bytes.length;
    this.escaped = false;
    let i = at + 1;
    for (;;) {
      while (i < end && PLAIN[bytes[i] as number] === 1) i++; // the common bytes, one table look-up each
      if (i >= end) return -1;
      const byte = bytes[i] as number;
      if (byte === QUOTE) return i + 1;
      if (byte === BACKSLASH) {
        this.escaped = true;
        i = this.escape(i + 1);
      } else if (byte >= 0x80) i = utf8Sequence(bytes, i);
      else return -1; // a control character
      if (i < 0) return -1;
    }
  }

  /** The escape after a backslash: one of `"\/bfnrt`, or `u` and four hex digits that are not a surrogate. */
  private escape(at: number): number {
    const byte = this.bytes[at];
    if (byte === 0x75) {
      let code = 0;
      for (let j = 1; j <= 4; j++) {
        const digit = hexValue(this.bytes[at + j]);
        if (digit < 0) return -1;
        code = code * 16 + digit;
      }
      return code >= 0xd800 && code <= 0xdfff ? -1 : at + 5;
    }
    return byte !== undefined && ESCAPES.includes(byte) ? at + 1 : -1;
  }

  private literal(at: number, word: string): number {
    for (let j = 0; j < word.length; j++) if (this.bytes[at + j] !== word.charCodeAt(j)) return -1;
    return at + word.length;
  }

  /** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]{1,2})?`, an integer part of at most 100 digits. */
  private number(at: number): number {
    let i = this.bytes[at] === 0x2d ? at + 1 : at;
    if (this.bytes[i] === 0x30) i++;
    else {
      const end = this.digits(i);
      if (end === i || end - i > 100) return -1;
      i = end;
    }
    if (this.bytes[i] === 0x2e) {
      const end = this.digits(i + 1);
      if (end === i + 1) return -1;
      i = end;
    }
    if (this.bytes[i] === 0x65 || this.bytes[i] === 0x45) {
      const sign = this.bytes[i + 1] === 0x2b || this.bytes[i + 1] === 0x2d ? i + 2 : i + 1;
      const end = this.digits(sign);
      if (end === sign || end - sign > 2) return -1;
      i = end;
    }
    return i;
  }

  private digits(at: number): number {
    let i = at;
    while ((this.bytes[i] as number) >= 0x30 && (this.bytes[i] as number) <= 0x39) i++;
    return i;
  }
}

const scanner = new Scan();

/** 1 for a byte a string holds as it is: ASCII from 0x20, except `"` and `\`. */
const PLAIN = new Uint8Array(256).map((_, byte) =>
  byte >= 0x20 && byte < 0x80 && byte !== QUOTE && byte !== BACKSLASH ? 1 : 0,
);

const ESCAPES = [QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74];

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/** The index after a well-formed UTF-8 sequence of two to four bytes starting at `at` (Unicode 15, table 3-7); -1 if ill-formed. */
function utf8Sequence(bytes: Uint8Array, at: number): number {
  const lead = bytes[at] as number;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else return -1;
  const second = bytes[at + 1];
  if (second === undefined || second < low || second > high) return -1;
  for (let j = 2; j < length; j++) {
    const next = bytes[at + j];
    if (next === undefined || next < 0x80 || next > 0xbf) return -1;
  }
  return at + length;
}
