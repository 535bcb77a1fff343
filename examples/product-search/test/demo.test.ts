import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { KafkaAdmin, kafkaClientSettings } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';

const root = path.resolve(__dirname, '..', '..', '..');
const services = () => ({
  ...process.env,
  KAFKA_BOOTSTRAP_SERVERS: requireService('kafka'),
  OPENSEARCH_URL: requireService('opensearch'),
  MONGODB_URI: requireService('mongodb'),
});

/** Listens on the port; undefined when someone else already does. */
async function hold(port: number): Promise<net.Server | undefined> {
  const server = net.createServer();
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(undefined) : reject(error),
    );
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

// `npm run demo -- --once` as CI runs it: setup and build (fast when done), then the whole
// application on the real services: a sluice-worker process, the connectors submitted over
// REST, the generator, the search service, the figures, and the index checked against MongoDB.
describe('npm run demo -- --once', () => {
  it('runs the application, prints its figures, ends with an index equal to MongoDB and removes its data', async () => {
    // the page's default port, taken (by this test, or by whoever holds it): the demo moves on
    const holder = await hold(8080);
    const args = ['--once', '--products', '2000', '--rate', '200', '--seconds', '6', '--queries', '150'];
    const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'demo.mjs'), ...args], {
      encoding: 'utf8',
      timeout: 170_000,
      env: services(),
    });
    holder?.close();
    const out = result.stdout;
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(out).toContain('port 8080 is taken; the page gets a free port instead (choose one with --port N)');
    expect(out).toMatch(/search page: http:\/\/127\.0\.0\.1:(?!8080\/)\d+\//);
    expect(out).toMatch(/sluice-worker http:\S+: products-search-\w+ RUNNING; products-source-\w+ RUNNING/);
    expect(out).toMatch(
      /loaded 2000 products into MongoDB in [\d.]+ s .*; all searchable [\d.]+ s after the first write/,
    );
    expect(out).toMatch(
      /search with facets, 150 varied queries while 200 changes\/s stream in: search service p50 \d+ ms, p99 \d+ ms/,
    );
    const latency =
      /MongoDB write -> OpenSearch indexed p50 \d+ ms, p99 \d+ ms; -> searchable p50 \d+ ms, p99 \d+ ms \(refresh_interval 100ms\)/;
    expect(out).toMatch(new RegExp(`\\d+ changes/s \\| ${latency.source} \\| \\d+ products`)); // a live line
    expect(out).toMatch(new RegExp(`${latency.source}, over [1-9]\\d* probe changes`)); // the summary
    // about 200 changes/s were asked for; a run far below it did not exercise the pipeline
    const rate = Number(/\d+ changes in [\d.]+ s \((\d+) changes\/s/.exec(out)?.[1]);
    expect(rate).toBeGreaterThan(100);
    expect(out).toMatch(/index equals source: yes \((\d+) in MongoDB, \1 in OpenSearch, 0 differ\)/);
    expect(out).toMatch(
      /sluice-worker stopped \(exit 0\); removed this run's database, topic, index and consumer group/,
    );

    const run = /database shop_(\w+)/.exec(out)?.[1] as string;
    const index = await fetch(`${requireService('opensearch')}/products-${run}`);
    expect(index.status).toBe(404);
    const mongo = new MongoClient(requireService('mongodb'));
    const { databases } = await mongo.db('admin').admin().listDatabases();
    await mongo.close();
    expect(databases.map((db) => db.name)).not.toContain(`shop_${run}`);
    const admin = new KafkaAdmin(kafkaClientSettings(requireService('kafka'), 'demo-test'));
    const topics = await admin.listTopics();
    admin.close();
    expect(topics).not.toContain(`sluice.shop_${run}.products`);
  }, 180_000);

  it('names a page port that is taken and how to choose another, before starting anything', async () => {
    const busy = (await hold(0)) as net.Server;
    const { port } = busy.address() as net.AddressInfo;
    const main = path.join(root, 'examples', 'product-search', 'dist', 'main.js');
    const result = spawnSync(process.execPath, [main, '--once', '--port', String(port)], {
      encoding: 'utf8',
      timeout: 30_000,
      env: services(),
    });
    busy.close();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`port ${port} is taken: choose another with --port N (--port 0: any free port)`);
    expect(result.stdout).not.toMatch(/sluice-worker http/);
  });
});
