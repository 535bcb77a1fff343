import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** One bulk item as the proxy sees it: its action line and, except for deletes, its source line. */
export interface BulkItem {
  readonly op: string;
  readonly meta: Record<string, unknown>;
  readonly lines: string[];
}

export interface FaultProxy {
  readonly url: string;
  /** Items that reached OpenSearch (a good item sent twice counts twice). */
  forwardedItems: number;
  bulkRequests: number;
  maxConcurrentBulks: number;
  /** Per item: answer 429 instead of forwarding it. */
  reject: (item: BulkItem) => boolean;
  /** Drop every connection at once (OpenSearch unreachable). */
  down: boolean;
  /** When set, bulks wait for this promise before being forwarded. */
  hold: Promise<void> | undefined;
  close(): Promise<void>;
}

/**
 * A fault injector in front of the real OpenSearch (optionally terminating TLS and requiring
 * basic auth, which the local OpenSearch runs without): forwards every request, but can answer chosen
 * bulk items with 429 (forwarding only the others, so what reaches OpenSearch is countable), hold
 * bulks, or drop connections. For tests only; all data is written by the real OpenSearch.
 */
export async function startFaultProxy(
  target: string,
  options: { tls?: { key: Buffer; cert: Buffer }; basicAuth?: string } = {},
): Promise<FaultProxy> {
  let concurrent = 0;
  const handle: http.RequestListener = (request, response) => {
    if (proxy.down) {
      request.socket.destroy();
      return;
    }
    const expected = options.basicAuth && `Basic ${Buffer.from(options.basicAuth).toString('base64')}`;
    if (expected && request.headers.authorization !== expected) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized","status":401}');
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const isBulk = request.method === 'POST' && (request.url ?? '').split('?')[0]?.endsWith('/_bulk');
      const answer = isBulk ? bulk(body) : forward(request.method ?? 'GET', request.url ?? '/', body);
      answer.then(
        ({ status, text }) => response.writeHead(status, { 'content-type': 'application/json' }).end(text),
        () => request.socket.destroy(),
      );
    });
  };
  const server = options.tls ? https.createServer(options.tls, handle) : http.createServer(handle);

  async function forward(method: string, url: string, body: string) {
    const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
    if (body !== '' && method !== 'GET' && method !== 'HEAD') init.body = body;
    const reply = await fetch(`${target}${url}`, init);
    return { status: reply.status, text: await reply.text() };
  }

  async function bulk(body: string) {
    proxy.bulkRequests += 1;
    concurrent += 1;
    proxy.maxConcurrentBulks = Math.max(proxy.maxConcurrentBulks, concurrent);
    try {
      await proxy.hold;
      const items = parseBulk(body);
      const passed = items.filter((item) => !proxy.reject(item));
      const results = new Map<BulkItem, unknown>();
      if (passed.length > 0) {
        proxy.forwardedItems += passed.length;
        const reply = await forward('POST', '/_bulk', passed.flatMap((item) => item.lines).join('\n') + '\n');
        const parsed = JSON.parse(reply.text) as { items: unknown[] };
        passed.forEach((item, i) => results.set(item, parsed.items[i]));
      }
      const merged = items.map(
        (item) =>
          results.get(item) ?? {
            [item.op]: {
              ...item.meta,
              status: 429,
              error: { type: 'es_rejected_execution_exception', reason: 'injected' },
            },
          },
      );
      return { status: 200, text: JSON.stringify({ took: 1, errors: true, items: merged }) };
    } finally {
      concurrent -= 1;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: FaultProxy = {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwardedItems: 0,
    bulkRequests: 0,
    maxConcurrentBulks: 0,
    reject: () => false,
    down: false,
    hold: undefined,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

function parseBulk(body: string): BulkItem[] {
  const lines = body.split('\n').filter((line) => line !== '');
  const items: BulkItem[] = [];
  for (let at = 0; at < lines.length;) {
    const action = JSON.parse(lines[at] as string) as Record<string, Record<string, unknown>>;
    const op = Object.keys(action)[0] as string;
    const size = op === 'delete' ? 1 : 2;
    items.push({ op, meta: action[op] ?? {}, lines: lines.slice(at, at + size) });
    at += size;
  }
  return items;
}
