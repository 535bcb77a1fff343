import { randomUUID } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import { bulkBody } from '@sluice/opensearch-sink';
import { requireService } from '@sluice/testkit';

describe('bulkBody', () => {
  it('writes index actions with ids and deletes for tombstones', () => {
    expect(
      bulkBody([
        { index: 'products', id: 'a', document: { name: 'phone' } },
        { index: 'products', id: 'b', document: null },
        { index: 'logs', document: { line: 1 } },
      ]),
    ).toEqual([
      { index: { _index: 'products', _id: 'a' } },
      { name: 'phone' },
      { delete: { _index: 'products', _id: 'b' } },
      { index: { _index: 'logs' } },
      { line: 1 },
    ]);
  });

  it('refuses a delete without an id', () => {
    expect(() => bulkBody([{ index: 'products', document: null }])).toThrow(
      'a delete for index products needs a document id',
    );
  });

  it('is idempotent on a real OpenSearch: the same writes twice leave one copy', async () => {
    const client = new Client({ node: requireService('opensearch') });
    const index = `bulk-${randomUUID()}`;
    const writes = [
      { index, id: '1', document: { name: 'phone' } },
      { index, id: '2', document: { name: 'tv' } },
      { index, id: '2', document: null },
    ];
    for (let round = 0; round < 2; round++) {
      const response = await client.bulk({ refresh: true, body: bulkBody(writes) });
      expect(response.body.items).toHaveLength(3);
    }
    const count = await client.count({ index });
    expect(count.body.count).toBe(1);
    await client.indices.delete({ index });
    await client.close();
  });
});
