import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { requireService } from '@sluice/testkit';

// `npm run demo`'s pipeline, run as the demo runs it (built output, real services): it must
// report every change indexed and an index equal to the source, or exit non-zero.
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
    expect(result.stdout).toMatch(/captured 1370 change events/);
    expect(result.stdout).toMatch(/index equals source: yes \(950 in MongoDB, 950 in OpenSearch, 0 differ\)/);
    expect(result.stdout).toMatch(/search "phone" with RAM >= 8 GB: \d+ hits/);
  }, 150_000);
});
