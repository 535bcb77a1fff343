import type { Client } from '@opensearch-project/opensearch';

/**
 * The index template of the products index. Facets need exact values: category and brand are
 * keywords (with a `.text` field for the full-text query), and every attribute under `attrs`
 * gets its type from a dynamic template, whatever category brings it: strings become keywords
 * (terms facets), numbers doubles (terms or range facets), booleans stay booleans. An attribute
 * new to MongoDB is facetable the moment its first product is indexed, with no mapping change.
 */
export function productTemplate(index: string, refreshInterval: string) {
  // Terms facets count keywords by their global ordinals, which a refresh invalidates; built
  // eagerly they are rebuilt by the refresh, not by the first query after it (a 100 ms refresh
  // otherwise puts that cost into a query ten times a second)
  const keyword = { type: 'keyword', eager_global_ordinals: true };
  const searchable = { ...keyword, fields: { text: { type: 'text' } } };
  return {
    index_patterns: [index],
    priority: 100,
    template: {
      // one shard answers facet queries over 100 000 products in a few ms; the refresh interval
      // bounds how soon an indexed change is searchable
      settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: refreshInterval },
      mappings: {
        dynamic_templates: [
          { attr_strings: { path_match: 'attrs.*', match_mapping_type: 'string', mapping: keyword } },
          { attr_integers: { path_match: 'attrs.*', match_mapping_type: 'long', mapping: { type: 'double' } } },
          { attr_decimals: { path_match: 'attrs.*', match_mapping_type: 'double', mapping: { type: 'double' } } },
        ],
        properties: {
          name: { type: 'text' },
          category: searchable,
          brand: searchable,
          price: { type: 'double' },
          // long, not integer: OpenSearch 2.19.6 fails a search holding two range aggregations
          // when one is on a 4-byte field (integer, float) with an ArrayIndexOutOfBoundsException
          stock: { type: 'long' },
          attrs: { type: 'object' },
          updated_at: { type: 'date', format: 'epoch_millis' },
        },
      },
    },
  };
}

/** Puts the template and creates the (empty) index from it, so the page can search at once. */
export async function createProductIndex(search: Client, index: string, refreshInterval: string): Promise<void> {
  // the client's generated types want each mapping as one exact union member; the server checks it
  await search.indices.putIndexTemplate({ name: index, body: productTemplate(index, refreshInterval) as never });
  await search.indices.create({ index });
}

export async function deleteProductIndex(search: Client, index: string): Promise<void> {
  await search.indices.delete({ index }, { ignore: [404] });
  await search.indices.deleteIndexTemplate({ name: index }, { ignore: [404] });
}
