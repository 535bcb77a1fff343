import { randomUUID } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import { requireService } from '@sluice/testkit';

// Proves the OpenSearch the tests use is real: documents indexed in bulk are found by a full-text
// query and counted by a terms aggregation (the facet filters of the product-search case).
describe('OpenSearch (real node)', () => {
  const client = new Client({ node: requireService('opensearch') });
  const index = `smoke-${randomUUID()}`;

  afterAll(async () => {
    await client.indices.delete({ index }, { ignore: [404] });
    await client.close();
  });

  it('indexes documents and finds them by text and facet', async () => {
    const products = [
      { name: 'Pixel phone', ram_gb: 8 },
      { name: 'Galaxy phone', ram_gb: 12 },
      { name: 'Office chair', ram_gb: 0 },
    ];
    const bulk = await client.bulk({
      refresh: true,
      body: products.flatMap((product, i) => [{ index: { _index: index, _id: String(i) } }, product]),
    });
    expect(bulk.body.errors).toBe(false);

    const found = await client.search({
      index,
      // the client's declared terms-aggregation type omits `field`; the server requires it
      body: { query: { match: { name: 'phone' } }, aggs: { ram: { terms: { field: 'ram_gb' } } } as never },
    });
    const names = found.body.hits.hits.map((hit) => (hit._source as { name: string }).name).sort();
    expect(names).toEqual(['Galaxy phone', 'Pixel phone']);
    const buckets = (found.body.aggregations?.ram as { buckets: { key: number }[] }).buckets.map((b) => b.key);
    expect(buckets.sort((a, b) => a - b)).toEqual([8, 12]);
  });
});
