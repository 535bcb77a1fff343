import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import OpenSearchSink from '@sluice/opensearch-sink';
import type { SinkRecord } from '@sluice/sdk';
import { describeSinkContract, expectReadmeTableCurrent, requireService } from '@sluice/testkit';

// The sink contract against the real OpenSearch: a fresh index per test with a strict mapping,
// made unavailable by a write block (OpenSearch answers 403 cluster_block_exception, as when a
// full disk blocks writes).
const url = requireService('opensearch');
const admin = new Client({ node: url });
afterAll(() => admin.close());

describeSinkContract({
  connector: OpenSearchSink,
  invalidConfigs: [
    { config: {}, field: 'connection.url' },
    { config: { 'connection.url': url, 'batch.size': '0' }, field: 'batch.size' },
    { config: { 'connection.url': url, 'behavior.on.null.values': 'explode' }, field: 'behavior.on.null.values' },
  ],
  fixture: async () => {
    const index = `contract-${randomUUID()}`;
    await admin.indices.create({
      index,
      body: {
        settings: { number_of_replicas: 0 },
        mappings: { dynamic: 'strict', properties: { id: { type: 'integer' }, name: { type: 'keyword' } } },
      },
    });
    const block = (on: boolean) =>
      admin.indices.putSettings({ index, body: { 'index.blocks.write': on } }).then(() => undefined);
    return {
      config: { 'connection.url': url, 'index.name.template': index, 'max.retries': '1', 'retry.backoff.ms': '50' },
      read: async () => {
        await admin.indices.refresh({ index });
        const found = await admin.search({ index, body: { size: 1000, query: { match_all: {} } } });
        return found.body.hits.hits.map((hit) => `${String(hit._id)}=${JSON.stringify(hit._source)}`).sort();
      },
      expected: (records: readonly SinkRecord[]) =>
        records.map((record) => `${String(record.key)}=${JSON.stringify(record.value)}`).sort(),
      badRecord: (template: SinkRecord) => ({ ...template, value: { id: 'not a number', name: 'bad' } }),
      breakTarget: () => block(true),
      repairTarget: () => block(false),
      cleanup: () => admin.indices.delete({ index }).then(() => undefined),
    };
  },
});

it('keeps the README config table in step with the schema', () => {
  expectReadmeTableCurrent(path.join(__dirname, '..', 'README.md'), OpenSearchSink.config);
});
