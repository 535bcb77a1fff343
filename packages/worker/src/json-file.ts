import fs from 'node:fs';

/**
 * Reads and parses a JSON file. Every failure is an Error whose message starts with
 * `<what> <file>:` and says why: the file cannot be read, or its JSON is broken, then with the
 * line and column of the first fault (`invalid JSON at line 3, column 8: unexpected "}"`).
 */
export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new Error(`${what} ${file}: ${code === 'ENOENT' ? 'no such file' : message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${what} ${file}: ${describeJsonError(text, error as Error)}`);
  }
}

/**
 * Where and why `text` is not JSON. The position comes from a scan of our own: Node 20's
 * parser gives none for an unexpected character (later versions do), and its message then
 * quotes the text around the fault, newlines and all.
 */
function describeJsonError(text: string, error: Error): string {
  const fault = firstFault(text);
  if (fault === undefined) return `invalid JSON: ${error.message}`;
  const before = text.slice(0, fault.at);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `invalid JSON at line ${line}, column ${column}: ${fault.reason}`;
}

class Fault extends Error {
  constructor(
    readonly at: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The offset and reason of the first syntax error in `text`, or undefined when it is JSON. */
function firstFault(text: string): Fault | undefined {
  let at = 0;
  const fail = (reason?: string): never => {
    const found = at < text.length ? `unexpected ${JSON.stringify(text[at])}` : 'unexpected end of file';
    throw new Fault(at, reason ?? found);
  };
  const blank = () => {
    while (/\s/.test(text[at] ?? '')) at++;
  };
  const expect = (char: string) => (text[at] === char ? at++ : fail());
  const literal = (word: string) => {
    for (const char of word) expect(char);
  };
  const string = () => {
    expect('"');
    for (;;) {
      const char = text[at];
      if (char === undefined || char < ' ') fail(char === undefined ? 'unterminated string' : undefined);
      at++;
      if (char === '"') return;
      if (char === '\\') {
        if (text[at] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) at += 5;
        else if ('"\\/bfnrt'.includes(text[at] ?? '~')) at++;
        else fail();
      }
    }
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) fail();
    at += (match as RegExpExecArray)[0].length;
  };
  const list = (close: string, item: () => void) => {
    at++;
    blank();
    if (text[at] === close) return void at++;
    for (;;) {
      item();
      blank();
      if (text[at] === close) return void at++;
      expect(',');
      blank();
    }
  };
  const value = (): void => {
    blank();
    const char = text[at];
    if (char === '{') {
      list('}', () => {
        string();
        blank();
        expect(':');
        value();
      });
    } else if (char === '[') list(']', value);
    else if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else number();
  };
  try {
    value();
    blank();
    if (at < text.length) fail();
    return undefined;
  } catch (fault) {
    if (fault instanceof Fault) return fault;
    throw fault;
  }
}
