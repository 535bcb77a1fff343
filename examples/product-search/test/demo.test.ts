import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { requireService } from '@sluice/testkit';

// `npm run demo` as it runs (built output, real services, a sluice-worker process with the
// MongoDB source and OpenSearch sink connectors): every change must reach the index, or it fails.
describe('product-search demo', () => {
  it('moves every change from MongoDB to a searchable index equal to the source', () => {
    const main = path.resolve(__dirname, '..', 'dist', 'main.js');
    const result = spawnSync(process.execPath, [main], {
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        KAFKA_BOOTSTRAP_SERVERS: requireService('kafka'),
        OPENSEARCH_URL: requireService('opensearch'),
        MONGODB_URI: requireService('mongodb'),
      },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /sluice-worker running at .*products-source \(MongoDbSource\).*products-search \(OpenSearchSink\)/,
    );
    expect(result.stdout).toMatch(/end to end: all 1350 changes searchable after \d+ ms/);
    expect(result.stdout).toMatch(/index equals source: yes \(950 in MongoDB, 950 in OpenSearch, 0 differ\)/);
    expect(result.stdout).toMatch(/search "phone" with RAM >= 8 GB: \d+ hits/);
    expect(result.stdout).toMatch(/connector tasks: products-search RUNNING; products-source RUNNING/);
    expect(result.stdout).toMatch(/sluice-worker stopped gracefully \(exit 0\)/);
  }, 150_000);
});
