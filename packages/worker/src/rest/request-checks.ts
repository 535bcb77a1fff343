import type { FastifyRequest } from 'fastify';
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

/** A connector's absolute URL as this request reached the worker, for Location (as Connect gives it). */
export function connectorUrl(request: FastifyRequest, name: string): string {
  return `${request.protocol}://${request.host}/connectors/${encodeURIComponent(name)}`;
}

/** A PATCH body: config values as strings, null where a key is to be removed. */
export function patchMap(value: unknown): Record<string, string | null> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RestError(400, 'body must be a JSON object of config values (null removes a key)');
  const entries = Object.entries(value).filter(([, v]) => v !== null);
  const removed = Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] === null);
  return {
    ...stringMap(Object.fromEntries(entries), 'body'),
    ...Object.fromEntries(removed.map((key) => [key, null])),
  };
}
