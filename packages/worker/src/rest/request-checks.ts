import { RestError } from './connect-errors.js';

/** Deepest nesting a request body may have: a Connect config is a flat string map. */
export const MAX_BODY_DEPTH = 16;

/**
 * Refuses a body nested deeper than MAX_BODY_DEPTH (a 400 naming the reason) before anything
 * looks at it: such a body is not a config, and storing it would only stringify it again.
 */
export function checkBody(body: unknown): void {
  const stack: [unknown, number][] = [[body, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_BODY_DEPTH)
      throw new RestError(400, `Request body is nested deeper than ${MAX_BODY_DEPTH} levels; a config is a flat map`);
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
}

/** A JSON object of config values, as Connect's string map; anything else is a 400 naming `what`. */
export function stringMap(value: unknown, what: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RestError(400, `${what} must be a JSON object of config values`);
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]),
  );
}
