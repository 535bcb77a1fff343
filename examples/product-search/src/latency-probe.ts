import type { Client } from '@opensearch-project/opensearch';
import type { Collection } from 'mongodb';
import type { Product } from './catalogue.js';

/** One change timed through the pipeline, in ms from its MongoDB write. */
export interface ProbeTimes {
  /** Until OpenSearch holds it: a realtime GET (which needs no refresh) returns the new version. */
  readonly indexedMs: number;
  /** Until a search finds it: after the index's next refresh. */
  readonly searchableMs: number;
}

/**
 * Changes one product's `updated_at` in MongoDB and polls OpenSearch until a realtime GET
 * returns that version (the bulk write holding it was applied, i.e. acknowledged) and until a
 * search finds it. OpenSearch's GET reads the latest indexed version without making it visible
 * to searches, so the probe does not shorten the searchable time it measures.
 */
export async function probe(products: Collection<Product>, search: Client, index: string, id: string) {
  const stamp = Date.now();
  await products.updateOne({ _id: id }, { $set: { updated_at: stamp } });
  let indexedMs: number | undefined;
  let searchableMs: number | undefined;
  while (indexedMs === undefined || searchableMs === undefined) {
    const [got, found] = await Promise.all([
      indexedMs === undefined ? search.get({ index, id }, { ignore: [404] }) : undefined,
      searchableMs === undefined
        ? search.search({
            index,
            body: {
              size: 0,
              query: { bool: { filter: [{ ids: { values: [id] } }, { term: { updated_at: stamp } }] } },
            },
          })
        : undefined,
    ]);
    const now = Date.now();
    if ((got?.body._source as Product | undefined)?.updated_at === stamp) indexedMs = now - stamp;
    const total = found?.body.hits.total;
    if ((typeof total === 'number' ? total : total?.value) === 1) searchableMs = now - stamp;
    if (now - stamp > 30_000) throw new Error(`the change to ${id} was not searchable after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return { indexedMs, searchableMs } satisfies ProbeTimes;
}

/** `p50 12 ms, p99 31 ms`: nearest-rank percentiles. */
export function percentiles(samples: readonly number[], ...quantiles: number[]): string {
  if (samples.length === 0) return 'no samples';
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
  return (quantiles.length ? quantiles : [0.5, 0.99]).map((q) => `p${q * 100} ${Math.round(at(q))} ms`).join(', ');
}
