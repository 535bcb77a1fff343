// The project's services for a benchmark: started (or found running) with scripts/services/cli.mjs,
// on the ports of the SLUICE_*_PORT environment, and their addresses exported.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const addresses = {
  kafka: ['KAFKA_BOOTSTRAP_SERVERS', () => `127.0.0.1:${process.env.SLUICE_KAFKA_PORT ?? 9092}`],
  opensearch: ['OPENSEARCH_URL', () => `http://127.0.0.1:${process.env.SLUICE_OPENSEARCH_PORT ?? 9200}`],
  mongodb: ['MONGODB_URL', () => `mongodb://127.0.0.1:${process.env.SLUICE_MONGODB_PORT ?? 27017}/?replicaSet=rs0`],
};

/** Starts each named service unless it runs; sets its address variable when unset. */
export function ensureServices(names) {
  const wanted = names.filter((name) => name in addresses);
  if (wanted.length === 0) return;
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'services', 'cli.mjs'), 'up', ...wanted], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const name of wanted) {
    const [variable, address] = addresses[name];
    process.env[variable] ??= address();
  }
}
