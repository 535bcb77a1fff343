#!/usr/bin/env node
// The demo: an e-commerce catalogue in MongoDB made searchable with facet filters in
// OpenSearch, through Kafka, by a sluice-worker running the MongoDB source and the OpenSearch
// sink connectors, configured the way an operator would (connector JSON files).
import os from 'node:os';
import path from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { MongoClient } from 'mongodb';
import type { Collection } from 'mongodb';
import { KafkaAdmin, kafkaClientSettings } from '@sluice/runtime';
import { startWorkerProcess } from '@sluice/worker';
import type { WorkerProcess } from '@sluice/worker';
import { catalogue } from './catalogue.js';
import type { Product } from './catalogue.js';
import { PRODUCT_MAPPING, facetSearch } from './facet-search.js';
import { compareWithSource } from './verify.js';
import { runWorkload } from './workload.js';

const PRODUCTS = 1000;
const UPDATES = 300;
const DELETES = 50;
const SINGLE_CHANGES = 20;
const INDEX = 'products';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the demo with \`npm run demo\`, which starts the services`);
  return value;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const kafka = required('KAFKA_BOOTSTRAP_SERVERS');
  const mongoUri = required('MONGODB_URI');
  const searchUrl = required('OPENSEARCH_URL');
  const mongo = new MongoClient(mongoUri, { serverSelectionTimeoutMS: 10_000 });
  const search = new Client({ node: searchUrl });
  const run = Date.now().toString(36);
  const prefix = `demo-${run}`;
  const topic = `${prefix}.shop.products`;
  const products = mongo.db('shop').collection<Product>('products');

  say('Sluice demo: a MongoDB catalogue made searchable in OpenSearch through Kafka by a sluice-worker');
  say(`  MongoDB: ${await describeMongo(mongo)}; Kafka: ${kafka}; OpenSearch: ${searchUrl}`);
  await products.drop().catch(() => undefined);
  await search.indices.delete({ index: INDEX }, { ignore: [404] });
  await search.indices.create({ index: INDEX, body: PRODUCT_MAPPING });
  const admin = new KafkaAdmin(kafkaClientSettings(kafka, 'sluice-demo'));
  await admin.ensureTopic({ topic, partitions: 3, replicationFactor: 1 });

  const json = { 'key.converter': 'string', 'value.converter': 'json', 'value.converter.schemas.enable': 'false' };
  const worker = await startWorkerProcess({
    stateDir: path.join(os.tmpdir(), `sluice-demo-${run}`),
    port: 18_083,
    bootstrapServers: kafka,
    settings: { offsetFlushIntervalMs: 1000 },
    connectors: {
      'products-source': {
        'connector.class': 'MongoDbSource',
        'connection.uri': mongoUri,
        database: 'shop',
        collection: 'products',
        'topic.prefix': prefix,
        'poll.await.ms': '100',
        ...json,
      },
      'products-search': {
        'connector.class': 'OpenSearchSink',
        'connection.url': searchUrl,
        topics: topic,
        'index.name.template': INDEX,
        ...json,
      },
    },
  });
  say(
    `  sluice-worker running at ${worker.url}: products-source (MongoDbSource) -> ${topic} -> products-search (OpenSearchSink)`,
  );
  try {
    await exercise(worker, products, search, topic);
  } catch (error) {
    // what the tasks say is the first thing an operator needs when the pipeline stalls
    say(`  connector status: ${JSON.stringify(await worker.get('/connectors?expand=status'))}`);
    throw error;
  } finally {
    const exit = await worker.stop();
    say(`  sluice-worker stopped gracefully (exit ${exit})`);
    await admin.deleteTopic(topic).catch(() => undefined);
    admin.close();
    await Promise.all([mongo.close(), search.close()]);
  }
  say('done: every change reached the search index, and the index equals the catalogue.');
}

/** The workload, the measurements and the checks, against a running worker. */
async function exercise(
  worker: WorkerProcess,
  products: Collection<Product>,
  search: Client,
  topic: string,
): Promise<void> {
  void topic;

  const started = Date.now();
  const written = await runWorkload(products, catalogue(PRODUCTS), UPDATES, DELETES);
  say(
    `  wrote ${written.inserts} inserts, ${written.updates} price updates, ${written.deletes} deletes to shop.products in ${Date.now() - started} ms`,
  );
  let comparison = await compareWithSource(products, search, INDEX);
  while (!equal(comparison) && Date.now() - started < 90_000) {
    await sleep(200);
    comparison = await compareWithSource(products, search, INDEX);
  }
  const elapsed = Date.now() - started;
  const changes = written.inserts + written.updates + written.deletes;
  say(
    `  end to end: all ${changes} changes searchable after ${elapsed} ms (${Math.round((changes * 1000) / elapsed)} changes/s)`,
  );

  const latencies: number[] = [];
  for (let i = 0; i < SINGLE_CHANGES; i++)
    latencies.push(await singleChange(products, search, `sku-${String(i).padStart(5, '0')}`));
  say(
    `  ${SINGLE_CHANGES} single changes, MongoDB write -> found by an OpenSearch search: ${percentiles(latencies)} (index refresh 100 ms)`,
  );

  comparison = await compareWithSource(products, search, INDEX);
  say(
    `  index equals source: ${equal(comparison) ? 'yes' : 'NO'} (${comparison.sourceCount} in MongoDB, ${comparison.indexCount} in OpenSearch, ${comparison.mismatched.length} differ)`,
  );
  const facets = await facetSearch(search, INDEX, 'phone', 8);
  say(`  search "phone" with RAM >= 8 GB: ${facets.hits} hits in ${facets.tookMs} ms`);
  say(`    brands:  ${format(facets.brands)}`);
  say(`    screens: ${format(facets.screens)} (inches)`);
  say(`    cheapest: ${facets.top.map((p) => `${p.name} ($${p.price})`).join(', ')}`);
  const statuses =
    await worker.get<Record<string, { status: { tasks: { state: string }[] } }>>('/connectors?expand=status');
  say(
    `  connector tasks: ${Object.entries(statuses)
      .map(([name, s]) => `${name} ${s.status.tasks.map((t) => t.state).join(',')}`)
      .join('; ')}`,
  );

  if (!equal(comparison))
    throw new Error(`the index does not match the source: ${comparison.mismatched.slice(0, 5).join(', ')} ...`);
}

/** Changes one product and times until a search finds the new version. */
async function singleChange(products: Collection<Product>, search: Client, id: string): Promise<number> {
  const stamp = Date.now();
  await products.updateOne({ _id: id }, { $set: { updated_at: stamp } });
  for (;;) {
    const found = await search.search({
      index: INDEX,
      body: { query: { bool: { filter: [{ ids: { values: [id] } }, { term: { updated_at: stamp } }] } } },
    });
    const total = found.body.hits.total;
    if ((typeof total === 'number' ? total : total?.value) === 1) return Date.now() - stamp;
    if (Date.now() - stamp > 30_000) throw new Error(`change to ${id} not searchable after 30 s`);
    await sleep(2);
  }
}

const equal = (c: { sourceCount: number; indexCount: number; mismatched: string[] }) =>
  c.mismatched.length === 0 && c.sourceCount === c.indexCount;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Says whether the demo ran against the emulator or a real server (its build info tells). */
async function describeMongo(client: MongoClient): Promise<string> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  return typeof info.emulator === 'string' ? `${info.emulator} (emulator)` : `MongoDB ${String(info.version)}`;
}

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted[sorted.length - 1]} ms`;
}

function format(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([key, count]) => `${key}: ${count}`)
    .join(', ');
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
