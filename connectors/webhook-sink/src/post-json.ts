import http from 'node:http';
import https from 'node:https';

/** An HTTP answer: its status and the start of its body (for error messages). */
export interface Answer {
  readonly status: number;
  readonly body: string;
}

export interface PostOptions {
  readonly agent: http.Agent;
  readonly headers: Readonly<Record<string, string>>;
  /** No complete answer within this long rejects (the request is abandoned). */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

const BODY_SHOWN = 500;

/**
 * POSTs a JSON body and resolves with the answer, whatever its status; rejects only when no
 * answer came (connection refused or reset, DNS, timeout, abort). Uses the caller's agent, so
 * the caller owns the connections and closes them (`agent.destroy()`).
 */
export function postJson(url: URL, body: string, options: PostOptions): Promise<Answer> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        agent: options.agent,
        signal: options.signal,
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', reject);
        response.once('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, body: text.slice(0, BODY_SHOWN) });
        });
      },
    );
    // the whole exchange is bounded, not just the idle time between packets
    const timer = setTimeout(
      () => request.destroy(new Error(`no complete answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    request.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}
