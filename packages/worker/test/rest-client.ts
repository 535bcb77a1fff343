/** Test helpers: real HTTP calls to a worker's REST API, and polling for an async condition. */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Answer {
  readonly statusCode: number;
  readonly text: string;
  readonly headers: Headers;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A client for one base URL; a payload string is sent as is (to send malformed JSON). */
export function restClient(base: () => string, headers: Record<string, string> = {}) {
  return async (method: Method, url: string, payload?: unknown): Promise<Answer> => {
    const body = payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload);
    const response = await fetch(`${base()}${url}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    return { statusCode: response.status, text, headers: response.headers, json: () => JSON.parse(text) };
  };
}

/**
 * Polls `condition` every 100 ms. On timeout, or when the condition throws (a worker that is
 * gone refuses the connection), the error carries `explain()`, what was last seen.
 */
export async function until(
  condition: () => Promise<boolean>,
  timeoutMs = 30_000,
  explain?: () => string | Promise<string>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const seen = async () =>
    explain
      ? `; ${await Promise.resolve()
          .then(explain)
          .catch((error: Error) => `(explain failed: ${error.message})`)}`
      : '';
  for (;;) {
    let met;
    try {
      met = await condition();
    } catch (error) {
      const cause = (error as Error).cause as Error | undefined;
      throw new Error(`${(error as Error).message}${cause ? ` (${cause.message})` : ''}${await seen()}`);
    }
    if (met) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${await seen()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
