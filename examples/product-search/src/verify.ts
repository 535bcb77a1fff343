import type { Client } from '@opensearch-project/opensearch';
import type { Collection, Document } from 'mongodb';
import type { Product } from './catalogue.js';

export interface Comparison {
  readonly sourceCount: number;
  readonly indexCount: number;
  /** Ids whose document differs, or that exist on one side only. */
  readonly mismatched: string[];
}

/** Compares every document in MongoDB with its copy in OpenSearch, field by field. */
export async function compareWithSource(
  collection: Collection<Product>,
  search: Client,
  index: string,
): Promise<Comparison> {
  await search.indices.refresh({ index });
  const source = new Map<string, string>();
  for await (const { _id, ...fields } of collection.find()) source.set(String(_id), canonical(fields));
  const indexed = new Map<string, string>();
  let response = await search.search({ index, scroll: '30s', size: 1000, body: { query: { match_all: {} } } });
  while (response.body.hits.hits.length > 0) {
    for (const hit of response.body.hits.hits) indexed.set(String(hit._id), canonical(hit._source as Document));
    response = await search.scroll({ scroll_id: response.body._scroll_id as string, scroll: '30s' });
  }
  const ids = new Set([...source.keys(), ...indexed.keys()]);
  const mismatched = [...ids].filter((id) => source.get(id) !== indexed.get(id));
  return { sourceCount: source.size, indexCount: indexed.size, mismatched };
}

function canonical(document: Document): string {
  return JSON.stringify(Object.fromEntries(Object.entries(document).sort(([a], [b]) => a.localeCompare(b))));
}
