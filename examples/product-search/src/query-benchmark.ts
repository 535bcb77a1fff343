import { PHONE_MODELS, seeded } from './catalogue.js';
import { SORT_ORDERS } from './search-query.js';
import type { SearchResult } from './search-query.js';

export interface QueryLatency {
  readonly queries: number;
  /** Round trips to the search service (HTTP, query, every facet's aggregation, JSON). */
  readonly serviceMs: number[];
  /** OpenSearch's own `took` for the same queries. */
  readonly openSearchMs: number[];
  /** Result counts seen: a benchmark of empty answers would prove nothing. */
  readonly totalHits: number;
  /** The slowest question (its query string) and its round trip. */
  readonly slowest: { readonly query: string; readonly ms: number };
}

const TEXTS = [
  '',
  'case',
  'screen protector',
  'charger',
  'headphones',
  'wireless',
  'tough case',
  'glass',
  'black',
  'usb-c',
  'noise cancelling',
  ...PHONE_MODELS.map((model) => model.toLowerCase()),
  ...PHONE_MODELS.slice(0, 5).map((model) => `${model} case`),
];

/**
 * Asks the search service `count` varied questions, one at a time, as shoppers would: a text
 * (or none), a sort order, and up to two facet values picked from the facets that text's
 * results offer. Facets are always computed: every answer counts them over its result set.
 */
export async function benchmarkQueries(
  serviceUrl: string,
  count: number,
  signal: AbortSignal,
  seed = 7,
): Promise<QueryLatency> {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const offered = new Map<string, SearchResult['facets']>();
  const ask = async (params: URLSearchParams) => {
    const response = await fetch(new URL(`api/search?${params}`, serviceUrl));
    if (!response.ok) throw new Error(`search ${params} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as SearchResult;
  };
  for (const text of TEXTS) offered.set(text, (await ask(new URLSearchParams({ q: text }))).facets); // warm-up, not timed

  const serviceMs: number[] = [];
  const openSearchMs: number[] = [];
  let totalHits = 0;
  let slowest = { query: '', ms: 0 };
  for (let i = 0; i < count && !signal.aborted; i++) {
    const text = pick(TEXTS);
    const params = new URLSearchParams({ q: text, sort: pick(SORT_ORDERS) });
    const facets = offered.get(text) ?? [];
    for (let f = Math.floor(random() * 3); f > 0 && facets.length > 0; f--) {
      const facet = pick(facets);
      params.append('f', `${facet.field}:${pick(facet.buckets).value}`);
    }
    const started = performance.now();
    const answer = await ask(params);
    const ms = performance.now() - started;
    serviceMs.push(ms);
    if (ms > slowest.ms) slowest = { query: decodeURIComponent(params.toString().replace(/\+/g, ' ')), ms };
    openSearchMs.push(answer.tookMs);
    totalHits += answer.total;
  }
  return { queries: serviceMs.length, serviceMs, openSearchMs, totalHits, slowest };
}
