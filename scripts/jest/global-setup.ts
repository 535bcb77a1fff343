import path from 'node:path';
import { exportAddresses, startServiceEnvironment } from '@sluice/testkit/services';
import type { ServiceEnvironment } from '@sluice/testkit/services';

declare global {
  // carried from global setup to global teardown (same process)
  var sluiceServices: ServiceEnvironment | undefined;
}

/**
 * Finds or starts the real Kafka, OpenSearch and MongoDB the tests run against (env addresses,
 * else testcontainers, else local processes) and exports their addresses to the test workers.
 * A service that cannot be had fails the run: no test is skipped for a missing service.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const services = await startServiceEnvironment({
    repoRoot: path.resolve(__dirname, '..', '..'),
    keep: process.env.SLUICE_KEEP_SERVICES === '1',
  });
  exportAddresses(services);
  globalThis.sluiceServices = services;
  const where = Object.entries(services.addresses).map(
    ([name, address]) => `${name}=${address} (${services.sources[name as keyof typeof services.sources]})`,
  );
  process.stderr.write(`\nservices ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${where.join(', ')}\n`);
}
