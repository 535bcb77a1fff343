import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import type { Client } from '@opensearch-project/opensearch';
import { FreshnessWatch } from './freshness.js';
import { parseSearchRequest, searchProducts } from './search-query.js';

export interface SearchServiceOptions {
  readonly search: Client;
  readonly index: string;
  /** 0: any free port. */
  readonly port: number;
  readonly host?: string;
}

export interface SearchService {
  /** The page's address. */
  readonly url: string;
  close(): Promise<void>;
}

const WEB = path.join(__dirname, '..', 'web');
const PAGES: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
};

/**
 * The shop's search service: the page, `GET /api/search` (text, facet filters, sort; the
 * results with facet counts) and `GET /api/freshness` (the newest searchable change).
 * Rejects with the listen error (e.g. EADDRINUSE) when the port cannot be had.
 */
export async function startSearchService(options: SearchServiceOptions): Promise<SearchService> {
  const watch = new FreshnessWatch(options.search, options.index);
  const server = http.createServer((request, response) => {
    handle(options, watch, request, response).catch((error: unknown) =>
      send(response, 502, { error: `search failed: ${(error as Error).message}` }),
    );
  });
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, resolve);
    });
  } catch (error) {
    await watch.stop();
    throw error;
  }
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    close: async () => {
      server.closeAllConnections();
      await Promise.all([new Promise((resolve) => server.close(resolve)), watch.stop()]);
    },
  };
}

async function handle(
  options: SearchServiceOptions,
  watch: FreshnessWatch,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method !== 'GET') return send(response, 405, { error: 'only GET' });
  const page = PAGES[url.pathname];
  if (page) {
    response.writeHead(200, { 'content-type': page[1], 'cache-control': 'no-store' });
    response.end(await fs.promises.readFile(path.join(WEB, page[0])));
    return;
  }
  if (url.pathname === '/api/search') {
    let query;
    try {
      query = parseSearchRequest(url.searchParams);
    } catch (error) {
      return send(response, 400, { error: (error as Error).message });
    }
    return send(response, 200, await searchProducts(options.search, options.index, query));
  }
  if (url.pathname === '/api/freshness') return send(response, 200, { now: Date.now(), newest: watch.newest ?? null });
  send(response, 404, { error: `no such page: ${url.pathname}` });
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
