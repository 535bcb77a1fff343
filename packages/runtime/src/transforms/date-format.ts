import { utc } from '@date-fns/utc';
import { format as formatWith, parse as parseWith } from 'date-fns';

/**
 * Java `SimpleDateFormat` patterns, as Connect users write them for TimestampConverter and
 * TimestampRouter, run by date-fns in UTC (Connect's TimestampConverter formats in UTC).
 *
 * A pattern is translated once, through the table below, from Java's letters to date-fns'
 * tokens: `'quoted text'` and `''` (one quote) as in Java, other non-letters as literals.
 * Supported: G y M L d D E u a H k K h m s SSS Z X XX XXX. Refused with a reason naming the
 * letter: the week-based fields (Y w W F: their meaning depends on the locale), zone names (z:
 * use Z or X), S other than SSS (Java's S counts milliseconds, not fractions: `S` would write
 * 5 ms as "5"), and any letter Java does not define.
 *
 * Parsing is strict where SimpleDateFormat is lenient: the whole text must match, and a date
 * that does not exist (Feb 30) is an error, not a date rolled into the next month. Fields the
 * pattern lacks are 1970-01-01T00:00:00.000Z's, as Java's. A two-digit year (`yy`) lands within
 * 80 years before and 20 after the current year, as Java's.
 */
export interface DatePattern {
  /** The Java pattern it was compiled from. */
  readonly pattern: string;
  /** The instant written with the pattern, in UTC. */
  format(epochMs: number): string;
  /** Text written with the pattern back to epoch milliseconds; throws when it does not match. */
  parse(text: string): number;
}

/** A pattern that cannot be used; `letter` is the offending pattern letter, when there is one. */
export class DatePatternError extends Error {
  override readonly name = 'DatePatternError';

  constructor(
    readonly letter: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

type Translation = string | { readonly refused: string };

/** Java pattern letter → date-fns token for a run of `n` such letters. */
const LETTERS: Readonly<Record<string, (n: number) => Translation>> = {
  G: () => 'G', // AD
  y: (n) => 'y'.repeat(n), // yy: two digits; otherwise at least n digits
  M: (n) => (n >= 4 ? 'MMMM' : 'M'.repeat(n)), // 1, 01, Jan, January
  L: (n) => (n >= 4 ? 'LLLL' : 'L'.repeat(n)), // stand-alone month
  d: (n) => 'd'.repeat(n),
  D: (n) => 'D'.repeat(n), // day in year
  E: (n) => (n >= 4 ? 'EEEE' : 'EEE'), // Tue, Tuesday
  u: (n) => (n <= 2 ? 'i'.repeat(n) : { refused: 'u is the day number of the week: u or uu' }), // 1 = Monday
  a: () => 'a', // AM, PM
  H: (n) => 'H'.repeat(n), // 0-23
  k: (n) => 'k'.repeat(n), // 1-24
  K: (n) => 'K'.repeat(n), // 0-11
  h: (n) => 'h'.repeat(n), // 1-12
  m: (n) => 'm'.repeat(n),
  s: (n) => 's'.repeat(n),
  S: (n) =>
    n === 3 ? 'SSS' : { refused: 'S counts milliseconds in Java (S writes 5 ms as "5"): only SSS is supported' },
  Z: () => 'xx', // -0800, +0000
  X: (n) => (n <= 3 ? 'X'.repeat(n) : { refused: 'X takes one to three letters (-08, -0800, -08:00)' }),
};

const REFUSED: Readonly<Record<string, string>> = {
  Y: 'Y is the week-based year, which depends on the locale; use y for the calendar year',
  w: 'w (week in year) depends on the locale',
  W: 'W (week in month) depends on the locale',
  F: 'F (day of week in month) is not supported',
  z: 'z (time zone name) is not supported; use Z (+0000) or X/XXX (Z, +00:00)',
};

/** Compiles a Java date pattern; throws a DatePatternError naming the letter it cannot take. */
export function compileDatePattern(pattern: string): DatePattern {
  const { tokens, twoDigitYear } = translate(pattern);
  const options = { in: utc, useAdditionalDayOfYearTokens: true } as const;
  return {
    pattern,
    format: (epochMs) => formatWith(epochMs, tokens, options),
    parse: (text) => {
      const parsed = parseWith(text, tokens, referenceDate(twoDigitYear), options).getTime();
      if (Number.isNaN(parsed)) throw new Error(`"${text}" does not match the date format "${pattern}"`);
      return parsed;
    },
  };
}

/** The instant written with a Java pattern, in UTC (compiled patterns are cached). */
export function formatDate(epochMs: number, pattern: string): string {
  return cached(pattern).format(epochMs);
}

/** Text written with a Java pattern back to epoch milliseconds (compiled patterns are cached). */
export function parseDate(text: string, pattern: string): number {
  return cached(pattern).parse(text);
}

const cache = new Map<string, DatePattern>();
const CACHE_LIMIT = 64;

function cached(pattern: string): DatePattern {
  let compiled = cache.get(pattern);
  if (!compiled) {
    compiled = compileDatePattern(pattern);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled;
}

/**
 * Where date-fns takes the fields the text lacks. Jan 1 of a year 30 before the current one
 * when the pattern has `yy`: date-fns puts a two-digit year within 50 years of its reference,
 * so within 80 before and 20 after now, as Java; else the epoch, Java's defaults.
 */
function referenceDate(twoDigitYear: boolean): number {
  return twoDigitYear ? Date.UTC(new Date().getUTCFullYear() - 30, 0, 1) : 0;
}

/** Java pattern → date-fns format string, literals always quoted. */
function translate(pattern: string): { tokens: string; twoDigitYear: boolean } {
  let tokens = '';
  let literal = '';
  let twoDigitYear = false;
  const flush = () => {
    // date-fns reads '''' as two quotes, not as one quoted quote: quotes alone stay unquoted
    if (/^'+$/.test(literal)) tokens += literal.replaceAll("'", "''");
    else if (literal !== '') tokens += `'${literal.replaceAll("'", "''")}'`;
    literal = '';
  };
  for (let i = 0; i < pattern.length;) {
    const char = pattern[i] as string;
    if (char === "'") {
      const { text, end } = quoted(pattern, i);
      literal += text;
      i = end;
    } else if (/[A-Za-z]/.test(char)) {
      let n = 1;
      while (pattern[i + n] === char) n++;
      flush();
      tokens += token(pattern, char, n);
      if (char === 'y' && n === 2) twoDigitYear = true;
      i += n;
    } else {
      literal += char;
      i += 1;
    }
  }
  flush();
  return { tokens, twoDigitYear };
}

/** The text of a quoted section starting at `start` (`''` is one quote), and where it ends. */
function quoted(pattern: string, start: number): { text: string; end: number } {
  if (pattern[start + 1] === "'") return { text: "'", end: start + 2 };
  let text = '';
  for (let i = start + 1; i < pattern.length; i++) {
    if (pattern[i] !== "'") {
      text += pattern[i];
    } else if (pattern[i + 1] === "'") {
      text += "'";
      i++;
    } else {
      return { text, end: i + 1 };
    }
  }
  throw new DatePatternError(undefined, `unterminated quote in date format "${pattern}"`);
}

function token(pattern: string, letter: string, n: number): string {
  const translation = LETTERS[letter]?.(n) ?? { refused: REFUSED[letter] ?? `${letter} is not a date pattern letter` };
  if (typeof translation === 'string') return translation;
  throw new DatePatternError(
    letter,
    `unsupported pattern letter '${letter}' in date format "${pattern}": ${translation.refused}`,
  );
}
