#!/usr/bin/env node
// The demo: an e-commerce catalogue in MongoDB made searchable with facet filters in
// OpenSearch, through Kafka. Until the worker and the connectors exist, this wires the
// pipeline from the runtime's Kafka I/O and the official clients (a real smoke pipeline).
import { Client } from '@opensearch-project/opensearch';
import { MongoClient } from 'mongodb';
import type { Product } from './catalogue.js';
import { KafkaAdmin, KafkaGroupConsumer, KafkaProducer, kafkaClientSettings } from '@sluice/runtime';
import { catalogue } from './catalogue.js';
import type { CaptureProgress } from './change-capture.js';
import { captureChanges } from './change-capture.js';
import { PRODUCT_MAPPING, facetSearch } from './facet-search.js';
import type { IndexProgress } from './search-indexer.js';
import { indexChanges } from './search-indexer.js';
import { compareWithSource } from './verify.js';
import { runWorkload } from './workload.js';

const PRODUCTS = 1000;
const UPDATES = 300;
const DELETES = 50;
const INDEX = 'products';
const SINGLE_CHANGES = 20;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the demo with \`npm run demo\`, which starts the services`);
  return value;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const kafka = required('KAFKA_BOOTSTRAP_SERVERS');
  const mongo = new MongoClient(required('MONGODB_URI'), { serverSelectionTimeoutMS: 10_000 });
  const search = new Client({ node: required('OPENSEARCH_URL') });
  const topic = `sluice-demo.shop.products.${Date.now().toString(36)}`;
  const admin = new KafkaAdmin(kafkaClientSettings(kafka, 'sluice-demo-admin'));
  const producer = new KafkaProducer(kafkaClientSettings(kafka, 'sluice-demo-source'));
  const consumer = new KafkaGroupConsumer(kafkaClientSettings(kafka, 'sluice-demo-sink'), { groupId: `${topic}.sink` });
  const products = mongo.db('shop').collection<Product>('products');

  say('Sluice demo: MongoDB catalogue -> change stream -> Kafka -> OpenSearch, searchable with facet filters');
  say(`  MongoDB: ${await describeMongo(mongo)}; Kafka: ${kafka}; OpenSearch: ${required('OPENSEARCH_URL')}`);
  await products.drop().catch(() => undefined);
  await search.indices.delete({ index: INDEX }, { ignore: [404] });
  await search.indices.create({ index: INDEX, body: PRODUCT_MAPPING });
  await admin.ensureTopic({ topic, partitions: 3, replicationFactor: 1 });
  await Promise.all([producer.connect(), consumer.connect()]);
  consumer.subscribe([topic]);
  await consumer.waitForAssignment();
  const stream = products.watch([], { fullDocument: 'updateLookup' });
  await stream.tryNext(); // the stream starts now: every change after this line is captured

  const stop = new AbortController();
  const captured: CaptureProgress = { events: 0, batches: 0, resumeToken: undefined, latenciesMs: [] };
  const indexed: IndexProgress = { actions: 0, bulks: 0, latenciesMs: [] };
  const loops = Promise.all([
    captureChanges(stream, producer, topic, stop.signal, captured),
    indexChanges(consumer, search, INDEX, stop.signal, indexed),
  ]);
  loops.catch(() => stop.abort());

  const started = Date.now();
  const written = await runWorkload(products, catalogue(PRODUCTS), UPDATES, DELETES);
  say(
    `  wrote ${written.inserts} inserts, ${written.updates} price updates, ${written.deletes} deletes to shop.products in ${Date.now() - started} ms`,
  );
  const expected = written.inserts + written.updates + written.deletes;
  await waitFor(
    () => indexed.actions >= expected || stop.signal.aborted,
    60_000,
    () => `waiting: ${captured.events}/${expected} changes in Kafka, ${indexed.actions}/${expected} indexed`,
  );
  const elapsed = Date.now() - started;

  // One change at a time into the idle pipeline: the "searchable milliseconds after a change" figure.
  const burstSamples = { captured: captured.latenciesMs.length, indexed: indexed.latenciesMs.length };
  for (let i = 0; i < SINGLE_CHANGES; i++) {
    await products.updateOne({ _id: `sku-${String(i).padStart(5, '0')}` }, { $set: { updated_at: Date.now() } });
    await waitFor(
      () => indexed.actions >= expected + i + 1 || stop.signal.aborted,
      10_000,
      () => 'waiting for a single change',
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  stop.abort();
  await loops;
  say(
    `  captured ${captured.events} change events into Kafka topic ${topic} (3 partitions, acks=all) in ${captured.batches} batches`,
  );
  say(
    `  indexed ${indexed.actions} actions into OpenSearch index "${INDEX}" in ${indexed.bulks} bulk requests; offsets committed after each`,
  );
  say(`  end to end: ${expected} changes in ${elapsed} ms (${Math.round((expected * 1000) / elapsed)} changes/s)`);
  say(
    `  latency under that burst, MongoDB write -> Kafka acknowledged:      ${percentiles(captured.latenciesMs.slice(0, burstSamples.captured))}`,
  );
  say(
    `  latency under that burst, MongoDB write -> OpenSearch acknowledged: ${percentiles(indexed.latenciesMs.slice(0, burstSamples.indexed))}`,
  );
  say(
    `  latency of ${SINGLE_CHANGES} single changes, MongoDB write -> Kafka acknowledged:      ${percentiles(captured.latenciesMs.slice(burstSamples.captured))}`,
  );
  say(
    `  latency of ${SINGLE_CHANGES} single changes, MongoDB write -> OpenSearch acknowledged: ${percentiles(indexed.latenciesMs.slice(burstSamples.indexed))}`,
  );

  const comparison = await compareWithSource(products, search, INDEX);
  const same = comparison.mismatched.length === 0 && comparison.sourceCount === comparison.indexCount;
  say(
    `  index equals source: ${same ? 'yes' : 'NO'} (${comparison.sourceCount} in MongoDB, ${comparison.indexCount} in OpenSearch, ${comparison.mismatched.length} differ)`,
  );

  const facets = await facetSearch(search, INDEX, 'phone', 8);
  say(`  search "phone" with RAM >= 8 GB: ${facets.hits} hits in ${facets.tookMs} ms`);
  say(`    brands:  ${format(facets.brands)}`);
  say(`    screens: ${format(facets.screens)} (inches)`);
  say(`    cheapest: ${facets.top.map((p) => `${p.name} ($${p.price})`).join(', ')}`);

  await stream.close();
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  await admin.deleteTopic(topic).catch(() => undefined);
  admin.close();
  await Promise.all([mongo.close(), search.close()]);
  if (!same)
    throw new Error(`the index does not match the source: ${comparison.mismatched.slice(0, 5).join(', ')} ...`);
  say('done: every change reached the search index, and the index equals the catalogue.');
}

/** Says whether the demo ran against the emulator or a real server (its build info tells). */
async function describeMongo(client: MongoClient): Promise<string> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  return typeof info.emulator === 'string' ? `${info.emulator} (emulator)` : `MongoDB ${String(info.version)}`;
}

async function waitFor(done: () => boolean, timeoutMs: number, status: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastReport = Date.now();
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms (${status()})`);
    if (Date.now() - lastReport > 2000) {
      say(`  ${status()}`);
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function percentiles(samples: number[]): string {
  if (samples.length === 0) return 'no samples';
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms, max ${sorted[sorted.length - 1]} ms (${samples.length} samples)`;
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
