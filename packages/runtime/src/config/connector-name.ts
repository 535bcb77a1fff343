/**
 * The longest connector name accepted: every route addresses a connector by name in its path,
 * and a name of this many characters still fits Node's 16 KiB request-line limit when each
 * character is percent-encoded as four UTF-8 bytes (12 characters of URL each).
 */
export const MAX_NAME_LENGTH = 1000;

/**
 * Why `name` cannot be a connector's name, or undefined when it can. Names are served back in
 * URLs, JSON and log lines, so what cannot round-trip through them is refused before anything
 * is stored: blank names, control characters, lone surrogates (not encodable as UTF-8), slashes
 * (they would split the route) and names too long to address.
 */
export function connectorNameProblem(name: string): string | undefined {
  // Connect's words (its validator names the key itself)
  if (name.trim() === '') return `Invalid value ${name} for configuration name: String may not be empty`;
  if (name.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters (is ${name.length})`;
  if (LONE_SURROGATE.test(name)) return 'must be valid Unicode (it holds a lone surrogate)';
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f-\u009f]/.exec(name);
  if (control) return `must not contain control characters (found U+${hex(control[0])})`;
  if (/[/\\]/.test(name)) return 'must not contain / or \\';
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hex(character: string): string {
  return (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}
