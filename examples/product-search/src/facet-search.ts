import type { API, Client } from '@opensearch-project/opensearch';

export interface FacetResult {
  readonly hits: number;
  readonly tookMs: number;
  readonly brands: Record<string, number>;
  readonly screens: Record<string, number>;
  readonly top: { name: string; price: number }[];
}

// The client's declared type for terms aggregations omits `field` (it is generated as an
// intersection that loses it); the server requires it. Hence the cast.
const FACETS = {
  brands: { terms: { field: 'brand' } },
  screens: { terms: { field: 'screen_in' } },
} as unknown as NonNullable<NonNullable<API.Search_Request['body']>['aggs']>;

/** The search page's query: text + facet filters, with counts per facet value. */
export async function facetSearch(search: Client, index: string, text: string, minRamGb: number): Promise<FacetResult> {
  const request: API.Search_Request = {
    index,
    body: {
      size: 3,
      sort: [{ price: { order: 'asc' } }],
      query: {
        bool: {
          must: [{ match: { name: text } }],
          filter: [{ range: { ram_gb: { gte: minRamGb } } }],
        },
      },
      aggs: FACETS,
    },
  };
  const response = await search.search(request);
  const buckets = (name: string) =>
    Object.fromEntries(
      (response.body.aggregations?.[name] as { buckets: { key: string | number; doc_count: number }[] }).buckets.map(
        (b) => [String(b.key), b.doc_count],
      ),
    );
  const total = response.body.hits.total;
  return {
    hits: typeof total === 'number' ? total : (total?.value ?? 0),
    tookMs: response.body.took,
    brands: buckets('brands'),
    screens: buckets('screens'),
    top: response.body.hits.hits.map((hit) => hit._source as { name: string; price: number }),
  };
}

/** The index's field types: keywords and numbers for facets, text for the name. */
export const PRODUCT_MAPPING = {
  settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '100ms' },
  mappings: {
    properties: {
      name: { type: 'text' },
      category: { type: 'keyword' },
      brand: { type: 'keyword' },
      ram_gb: { type: 'integer' },
      screen_in: { type: 'double' },
      camera_mp: { type: 'integer' },
      price: { type: 'integer' },
      updated_at: { type: 'date', format: 'epoch_millis' },
    },
  },
} as const;
