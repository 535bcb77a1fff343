/**
 * The subset of Java SimpleDateFormat patterns Connect users write in TimestampConverter and
 * TimestampRouter: yyyy yy MM dd HH mm ss SSS, quoted 'literals', other characters as is. UTC.
 */
const TOKENS: [string, (d: Date) => string][] = [
  ['yyyy', (d) => String(d.getUTCFullYear()).padStart(4, '0')],
  ['yy', (d) => String(d.getUTCFullYear() % 100).padStart(2, '0')],
  ['MM', (d) => String(d.getUTCMonth() + 1).padStart(2, '0')],
  ['dd', (d) => String(d.getUTCDate()).padStart(2, '0')],
  ['HH', (d) => String(d.getUTCHours()).padStart(2, '0')],
  ['mm', (d) => String(d.getUTCMinutes()).padStart(2, '0')],
  ['ss', (d) => String(d.getUTCSeconds()).padStart(2, '0')],
  ['SSS', (d) => String(d.getUTCMilliseconds()).padStart(3, '0')],
];

export function formatDate(epochMs: number, pattern: string): string {
  const date = new Date(epochMs);
  let out = '';
  for (let i = 0; i < pattern.length;) {
    if (pattern[i] === "'") {
      const end = pattern.indexOf("'", i + 1);
      out += pattern.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    const token = TOKENS.find(([name]) => pattern.startsWith(name, i));
    if (token) {
      out += token[1](date);
      i += token[0].length;
    } else {
      out += pattern[i];
      i += 1;
    }
  }
  return out;
}

/** Parses a string written with `pattern` (same subset) back to epoch milliseconds, UTC. */
export function parseDate(text: string, pattern: string): number {
  const fields: Record<string, number> = { yyyy: 1970, MM: 1, dd: 1, HH: 0, mm: 0, ss: 0, SSS: 0 };
  let at = 0;
  for (let i = 0; i < pattern.length;) {
    const token = TOKENS.find(([name]) => pattern.startsWith(name, i))?.[0];
    if (token && token !== 'yy') {
      const width = token === 'yyyy' ? 4 : token === 'SSS' ? 3 : 2;
      const value = Number(text.slice(at, at + width));
      if (!Number.isInteger(value)) throw new Error(`"${text}" does not match the date format "${pattern}"`);
      fields[token] = value;
      at += width;
      i += token.length;
    } else {
      at += 1;
      i += 1;
    }
  }
  return Date.UTC(
    fields.yyyy as number,
    (fields.MM as number) - 1,
    fields.dd,
    fields.HH,
    fields.mm,
    fields.ss,
    fields.SSS,
  );
}
