#!/usr/bin/env node
// Benchmark: docs/s through the OpenSearch sink (Kafka -> SinkTaskRunner -> OpenSearchSink ->
// OpenSearch) next to its limit, a direct _bulk loader sending the same bulk bodies (same
// documents, ids, versions, batch size) to the same OpenSearch in the same run. Both paths end
// when every document is searchable (refresh + count). The loader runs with one bulk in flight
// and with as many as the sink (max.in.flight.requests); the figure is sink / best loader.
// The loader runs twice per round: sending bodies built before its clock starts (send only), and
// serializing the same documents as it goes (what a loader handed documents must do).
// Standalone: node bench/scenarios/opensearch-sink.mjs [docs=100000] [rounds=3] writes
// bench/reports/opensearch-sink.md; as a module, run({ docs, rounds }) returns { markdown, plots }.
// Needs KAFKA_BOOTSTRAP_SERVERS and OPENSEARCH_URL (npm run services:up prints them) and a build (npx tsc -b).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { harnessScenario } from '../lib/pipeline.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { KafkaAdmin, KafkaProducer, SinkTaskRunner, kafkaClientSettings } = require('@sluice/runtime');
const OpenSearchSink = require('@sluice/opensearch-sink').default;
const { Type, defineSink } = require('@sluice/sdk');
const { actionBuilder, bulkBody } = require('@sluice/opensearch-sink');
const { Client } = require('@opensearch-project/opensearch');

let docs = 100_000;
let rounds = 3;
const BATCH = 500;
const IN_FLIGHT = 5;
// read when run() starts: under `npm run bench` the harness sets them after this module loaded
let bootstrap;
let url;
const quiet = { debug() {}, info() {}, warn: console.warn, error: console.error };
const runId = randomUUID().slice(0, 8);
const topic = `bench-os-${runId}`;
let search;
/**
 * The loader's client, set up as the sink's own (createClient in sink-task.ts): answers parsed
 * with plain JSON.parse and filtered to what a loader checks. With the client's defaults (the
 * whole answer of 500 items, scanned for __proto__) the loader spent about 0.13 s more per 100k
 * documents, which flattered the sink's CPU ratio before 2026-12-04.
 */
let loader;
const BULK_ANSWER_FIELDS = 'errors,items.*.status,items.*.error.type,items.*.error.reason';
const sinkConfig = (index) =>
  OpenSearchSink.validator.parse({
    'connection.url': url,
    'index.name.template': index,
    'batch.size': String(BATCH),
    'max.in.flight.requests': String(IN_FLIGHT),
  });

const product = (i) => ({
  sku: `p${i}`,
  name: `product ${i}`,
  brand: ['Acme', 'Globex', 'Initech'][i % 3],
  price: (i % 1000) + 0.99,
  ram_gb: [4, 8, 16][i % 3],
  tags: ['bench', 'sluice'],
});

async function freshIndex(label) {
  const index = `bench-os-${runId}-${label}`;
  await search.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
  return index;
}

async function searchable(index) {
  await search.indices.refresh({ index });
  return Number((await search.count({ index })).body.count);
}

async function finish(label, index, startedAt, cpuAt) {
  const count = await searchable(index);
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuAt);
  await search.indices.delete({ index });
  if (count !== docs) throw new Error(`${label}: ${count}/${docs} documents searchable`);
  return { label, seconds, perSecond: docs / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** The loader: the sink's own bulk bodies for the same records, sent straight to _bulk. */
async function direct(inFlight, serializeAsItGoes = false) {
  const label = `direct _bulk, ${inFlight} in flight${serializeAsItGoes ? ', serializing as it goes' : ', bodies built beforehand'}`;
  const index = await freshIndex(`direct${inFlight}-${Math.random().toString(36).slice(2, 6)}`);
  const build = actionBuilder(sinkConfig(index));
  const bodies = [];
  const cpuBefore = process.cpuUsage();
  const startedBefore = performance.now();
  for (let at = 0; at < docs; at += BATCH) {
    const size = Math.min(BATCH, docs - at);
    const actions = Array.from({ length: size }, (_, j) =>
      build({
        topic,
        partition: 0,
        offset: String(at + j),
        key: `p${at + j}`,
        value: product(at + j),
        headers: {},
        timestamp: 0,
      }),
    );
    bodies.push(bulkBody(actions));
  }
  // serializing as it goes: the building above counts (done up front, so the sending is the same)
  const cpuAt = serializeAsItGoes ? cpuBefore : process.cpuUsage();
  const startedAt = serializeAsItGoes ? startedBefore : performance.now();
  let next = 0;
  const lane = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const reply = await loader.bulk({ body, filter_path: BULK_ANSWER_FIELDS });
      if (reply.body.errors) throw new Error(`${label}: bulk had errors`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return finish(label, index, startedAt, cpuAt);
}

function sinkRunner(connector, taskConfig, name) {
  return new SinkTaskRunner({
    connectorName: name,
    taskId: 0,
    connector,
    config: { 'key.converter': 'string', 'value.converter': 'json', 'value.converter.schemas.enable': 'false' },
    taskConfig,
    topics: [topic],
    kafka: kafkaClientSettings(bootstrap, name),
    log: quiet,
    commitIntervalMs: 10_000, // the worker's default offsetFlushIntervalMs
  });
}

/** Runs a sink runner from partition assignment (the group join is not the sink's speed) until `done`. */
async function timedRunner(runner, done) {
  await runner.start();
  await runner.waitForAssignment(60_000);
  const cpuAt = process.cpuUsage();
  const startedAt = performance.now();
  while (runner.delivered < docs && runner.status.state !== 'FAILED') await sleep(20);
  while (runner.status.state !== 'FAILED' && !(await done())) await sleep(10);
  if (runner.status.state === 'FAILED') throw new Error('the sink task failed');
  return { startedAt, cpuAt };
}

async function throughSink() {
  const label = `Kafka -> sink task runner -> OpenSearch (max.in.flight.requests=${IN_FLIGHT})`;
  const index = await freshIndex(`sink-${Math.random().toString(36).slice(2, 6)}`);
  // BENCH_VALUE_JSON_TEXT=off: the sink as if it did not declare valueJsonText (every value parsed and serialized), to compare
  const sink =
    process.env.BENCH_VALUE_JSON_TEXT === 'off' ? { ...OpenSearchSink, valueJsonText: false } : OpenSearchSink;
  const runner = sinkRunner(sink, sinkConfig(index), `${index}-sink`);
  // done once OpenSearch acknowledged every document (the task's own count), then one refresh and
  // count, as the loader ends: a refresh every few ms while the last bulks index slows them down
  const acknowledged = () => runner.metricsSnapshot().gauges?.['opensearch.documents.indexed'] ?? 0;
  const { startedAt, cpuAt } = await timedRunner(runner, async () => acknowledged() >= docs);
  const result = await finish(label, index, startedAt, cpuAt);
  await runner.stop();
  return result;
}

/** The same runtime path with a sink that drops every record: the Kafka side's share of the machine. */
const Discard = defineSink({
  name: 'Discard',
  version: '0.0.0',
  description: 'Drops every record.',
  config: Type.Object({}),
  valueJsonText: true, // the runtime path the OpenSearch sink gets (values checked, not parsed)
  createTask: async () => ({ put: async () => {}, flush: async () => {}, close: async () => {} }),
});

async function throughDiscard() {
  const runner = sinkRunner(Discard, {}, `bench-os-${runId}-discard-${Math.random().toString(36).slice(2, 6)}`);
  const { startedAt, cpuAt } = await timedRunner(runner, async () => true);
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuAt);
  await runner.stop();
  const label = 'Kafka -> sink task runner -> discard (no OpenSearch; for reference)';
  return { label, seconds, perSecond: docs / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(context = {}) {
  bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS;
  url = process.env.OPENSEARCH_URL;
  if (!bootstrap || !url)
    throw new Error('KAFKA_BOOTSTRAP_SERVERS and OPENSEARCH_URL must be set (npm run services:up)');
  docs = context.docs ?? docs;
  rounds = context.rounds ?? rounds;
  search = new Client({ node: url });
  loader = new Client({ node: url, disablePrototypePoisoningProtection: true });
  const settings = kafkaClientSettings(bootstrap, 'bench-os');
  const admin = new KafkaAdmin(settings);
  await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
  const producer = new KafkaProducer(settings);
  await producer.connect();
  for (let at = 0; at < docs; at += 10_000) {
    const size = Math.min(10_000, docs - at);
    await producer.send(
      Array.from({ length: size }, (_, j) => ({
        topic,
        key: Buffer.from(`p${at + j}`),
        value: Buffer.from(JSON.stringify(product(at + j))),
      })),
    );
  }
  await producer.disconnect();

  const results = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const step of context.steps?.({ direct, throughSink, throughDiscard }) ?? [
        () => direct(IN_FLIGHT),
        () => direct(IN_FLIGHT, true),
        throughSink,
        throughDiscard,
      ]) {
        const result = await step();
        results.push({ round, ...result });
        process.stderr.write(`round ${round}: ${result.label}: ${Math.round(result.perSecond)} docs/s\n`);
      }
    }
  } finally {
    await admin.deleteTopic(topic).catch(() => undefined);
    admin.close();
    await search.close();
    await loader.close();
  }

  if (context.summary === false) return { results }; // steps without both paths (bench/sink-allocation.mjs)
  const ratios = (field, loader) =>
    Array.from({ length: rounds }, (_, i) => {
      const inRound = results.filter((r) => r.round === i + 1);
      const sink = inRound.find((r) => r.label.includes('OpenSearch ('))[field];
      return sink / inRound.find((r) => r.label.startsWith('direct') && r.label.includes(loader))[field];
    });
  const medianOf = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const perRound = ratios('perSecond', 'beforehand');
  const median = medianOf(perRound);
  const cpuBuilt = ratios('cpuSeconds', 'beforehand');
  const cpuServing = ratios('cpuSeconds', 'as it goes');
  const rateServing = ratios('perSecond', 'as it goes');
  const rows = results.map(
    (r) =>
      `| ${r.round} | ${r.label} | ${r.seconds.toFixed(2)} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${((r.cpuSeconds * 100_000) / docs).toFixed(2)} |`,
  );
  const bytes = Buffer.byteLength(JSON.stringify(product(docs - 1)));
  const markdown = `## OpenSearch sink vs a direct _bulk loader

Run ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB,
Node ${process.versions.node}; Kafka and OpenSearch are the local single-node servers on the same machine
(they share its CPUs with this process). ${docs} product documents of about ${bytes} bytes, unique keys,
batch.size ${BATCH}, external version = offset, into a fresh 1-shard, 0-replica index per run.
Both paths send identical bulk bodies (the loader uses the sink's own action builder) through the same client options
(answers filtered to errors and item status, parsed with plain JSON.parse), ${IN_FLIGHT} bulks in flight, and stop the
clock when every document is searchable (refresh + count). The sink path also consumes from Kafka
(1 partition), converts JSON and commits offsets on the worker's default interval (10 s); its clock starts at partition
assignment. CPU is this Node process's user + system time.

| round | path | seconds | docs/s | CPU s per 100k docs |
|---|---|---|---|---|
${rows.join('\n')}

**Sink docs/s ÷ loader's (bodies built beforehand), same round: median ${(100 * median).toFixed(0)} %** (rounds: ${perRound
    .map((ratio) => `${(100 * ratio).toFixed(0)} %`)
    .join(
      ', ',
    )}); its CPU ÷ that loader's: median ${medianOf(cpuBuilt).toFixed(2)}× (${cpuBuilt.map((r) => `${r.toFixed(2)}×`).join(', ')}).
Against the loader that serializes as it goes: docs/s ${(100 * medianOf(rateServing)).toFixed(0)} %, CPU ${medianOf(cpuServing).toFixed(2)}×.
The machine is shared, so absolute figures swing between rounds; the
ratio within a round is the figure to compare.

Reproduce: \`npm run services:up\`, \`npx tsc -b\`, then
\`KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 OPENSEARCH_URL=http://127.0.0.1:9200 node bench/scenarios/opensearch-sink.mjs ${docs} ${rounds}\`.
`;
  return { markdown, plots: { ratios: perRound, cpuRatios: cpuBuilt }, results };
}

export default harnessScenario({
  name: 'opensearch-sink',
  title: 'OpenSearch sink vs a direct _bulk loader',
  services: ['kafka', 'opensearch'],
  run: ({ quick }) => run(quick ? { docs: 20_000, rounds: 1 } : { docs: 100_000, rounds: 3 }),
  plots: (result, { groupedBars }) => [
    [
      'opensearch-sink',
      groupedBars({
        title: 'docs/s per round',
        rows: result.results.map((r) => ({ group: `round ${r.round}`, series: r.label, value: r.perSecond })),
        unit: 'docs/s',
      }),
    ],
  ],
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { markdown } = await run({ docs: Number(process.argv[2] ?? 100_000), rounds: Number(process.argv[3] ?? 3) });
  fs.mkdirSync(path.join(root, 'bench', 'reports'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'bench', 'reports', 'opensearch-sink.md'),
    `# OpenSearch sink benchmark\n\n${markdown}`,
  );
  console.log(markdown);
}
