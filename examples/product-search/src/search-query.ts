import type { Client } from '@opensearch-project/opensearch';
import type { AttributeValue, Category } from './catalogue.js';
import { FACETS, facetOf } from './facets.js';
import type { Facet } from './facets.js';

export const SORT_ORDERS = ['relevance', 'price-asc', 'price-desc', 'newest'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** What the page asks: `/api/search?q=aurora case&f=brand:Armorly&f=price:under 25&sort=price-asc`. */
export interface SearchRequest {
  readonly text: string;
  /** A terms facet's value, or a range facet's bucket key. Same field: any of them; fields: all. */
  readonly filters: readonly { readonly field: string; readonly value: string }[];
  readonly sort: SortOrder;
  readonly size: number;
}

export interface Hit {
  readonly id: string;
  readonly name: string;
  readonly category: Category;
  readonly brand: string;
  readonly price: number;
  readonly stock: number;
  readonly attrs: Record<string, AttributeValue>;
  readonly updated_at: number;
}

export interface FacetCounts {
  readonly field: string;
  readonly label: string;
  readonly kind: Facet['kind'];
  /** Values present in the current results (count > 0), and any selected one. */
  readonly buckets: { readonly value: string; readonly count: number; readonly selected: boolean }[];
}

export interface SearchResult {
  readonly total: number;
  /** OpenSearch's own time for the query and every facet's aggregation. */
  readonly tookMs: number;
  readonly hits: Hit[];
  /** Only facets with something to show: they follow the result set. */
  readonly facets: FacetCounts[];
}

/** Reads a request from a query string; throws a message fit for a 400 answer. */
export function parseSearchRequest(params: URLSearchParams): SearchRequest {
  const filters = params.getAll('f').map((filter) => {
    const colon = filter.indexOf(':');
    const [field, value] = [filter.slice(0, colon), filter.slice(colon + 1)];
    const facet = facetOf(field);
    if (colon < 0 || !facet) throw new Error(`unknown facet in f=${filter}: use field:value`);
    if (facet.kind === 'range' && !facet.ranges.some((range) => range.key === value))
      throw new Error(`${field} has no range "${value}": ${facet.ranges.map((r) => r.key).join(', ')}`);
    return { field, value };
  });
  const sort = (params.get('sort') ?? 'relevance') as SortOrder;
  if (!SORT_ORDERS.includes(sort)) throw new Error(`sort must be one of ${SORT_ORDERS.join(', ')}`);
  const size = Math.min(100, Math.max(0, Number(params.get('size') ?? 24) || 0));
  return { text: (params.get('q') ?? '').trim(), filters, sort, size };
}

/** The OpenSearch query: full text and filters, and every facet counted over what matches. */
export function searchBody(request: SearchRequest) {
  const text = request.text
    ? {
        multi_match: {
          query: request.text,
          // every word must occur, in any of the fields: "aurora case" finds cases for Aurora phones
          type: 'cross_fields',
          operator: 'and',
          fields: ['name^3', 'brand.text^2', 'category.text'],
        },
      }
    : { match_all: {} };
  const fields = [...new Set(request.filters.map((f) => f.field))];
  const filter = fields.map((field) =>
    facetFilter(
      facetOf(field) as Facet,
      request.filters.filter((f) => f.field === field).map((f) => f.value),
    ),
  );
  const sort = {
    relevance: ['_score', { updated_at: 'desc' }],
    'price-asc': [{ price: 'asc' }],
    'price-desc': [{ price: 'desc' }],
    newest: [{ updated_at: 'desc' }],
  }[request.sort];
  return {
    size: request.size,
    track_total_hits: true,
    query: { bool: { must: [text], filter } },
    sort,
    aggs: Object.fromEntries(FACETS.map((facet) => [facet.field, facetAggregation(facet)])),
  };
}

function facetFilter(facet: Facet, values: string[]) {
  if (facet.kind === 'terms') return { terms: { [facet.field]: values } };
  const ranges = facet.ranges.filter((range) => values.includes(range.key));
  return {
    bool: {
      should: ranges.map((range) => ({ range: { [facet.field]: { gte: range.from, lt: range.to } } })),
      minimum_should_match: 1,
    },
  };
}

function facetAggregation(facet: Facet) {
  if (facet.kind === 'terms') return { terms: { field: facet.field, size: 30 } };
  return { range: { field: facet.field, ranges: facet.ranges } };
}

interface Bucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
}

/** Turns OpenSearch's answer into what the page shows. */
export function searchResult(
  request: SearchRequest,
  body: { took: number; hits: { total?: unknown; hits: { _id: string; _source?: unknown }[] }; aggregations?: unknown },
): SearchResult {
  const aggregations = (body.aggregations ?? {}) as Record<string, { buckets: Bucket[] }>;
  const facets = FACETS.map((facet): FacetCounts => {
    const chosen = request.filters.filter((f) => f.field === facet.field).map((f) => f.value);
    const buckets = (aggregations[facet.field]?.buckets ?? [])
      .map((b) => ({ value: b.key_as_string ?? String(b.key), count: b.doc_count }))
      .map((b) => ({ ...b, selected: chosen.includes(b.value) }))
      .filter((b) => b.count > 0 || b.selected);
    // numbers read best in their order (RAM 4, 6, 8 GB); everything else by count, most first
    if (facet.kind === 'terms' && buckets.every((b) => Number.isFinite(Number(b.value))))
      buckets.sort((a, b) => Number(a.value) - Number(b.value));
    return { field: facet.field, label: facet.label, kind: facet.kind, buckets };
  }).filter((facet) => facet.buckets.length > 0);
  const total = body.hits.total as number | { value: number } | undefined;
  return {
    total: typeof total === 'number' ? total : (total?.value ?? 0),
    tookMs: body.took,
    hits: body.hits.hits.map((hit) => ({ ...(hit._source as Omit<Hit, 'id'>), id: hit._id })),
    facets,
  };
}

export async function searchProducts(search: Client, index: string, request: SearchRequest): Promise<SearchResult> {
  // the client's generated request types lose fields of aggregations and sorts; the server
  // checks the body, and the tests check the answers
  const response = await search.search({ index, body: searchBody(request) as never });
  return searchResult(request, response.body as never);
}
