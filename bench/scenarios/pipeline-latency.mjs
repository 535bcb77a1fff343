#!/usr/bin/env node
// Scenario: end-to-end latency MongoDB write → document acknowledged in OpenSearch (a realtime
// _mget finds it), open loop at fixed rates, every write stamped with its intended time, HDR
// histograms. Split by the Kafka record timestamps (CreateTime = when the source produced it).
// Standalone: `node bench/scenarios/pipeline-latency.mjs [secondsPerRate=20]` writes
// bench/reports/pipeline-latency.md. As a module: `run(context)` returns { markdown, plots }.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  latencyHistogram,
  machine,
  parsePrometheus,
  percentiles,
  root,
  services,
  sleep,
  startPipeline,
  visibilityWatcher,
  openLoopWriter,
  harnessScenario,
} from '../lib/pipeline.mjs';

const require = createRequire(import.meta.url);
const { KafkaJS } = require('@confluentinc/kafka-javascript');

/** Kafka CreateTime (ms since the epoch) of each record, by key, read by a plain consumer. */
async function timestampReader(topic) {
  const kafka = new KafkaJS.Kafka({
    kafkaJS: { brokers: services().kafka.split(','), logLevel: KafkaJS.logLevel.NOTHING },
  });
  const consumer = kafka.consumer({ kafkaJS: { groupId: `latency-${Date.now()}`, fromBeginning: true } });
  const times = new Map();
  await consumer.connect();
  await consumer.subscribe({ topic });
  await consumer.run({
    eachMessage: async ({ message }) => void times.set(keyText(message.key), Number(message.timestamp)),
  });
  return { times, stop: () => consumer.disconnect() };
}

/** The record key as the sink's document id: a JSON string key (with or without its schema envelope) unquoted. */
function keyText(key) {
  const text = key?.toString() ?? '';
  try {
    const parsed = JSON.parse(text);
    const payload = parsed !== null && typeof parsed === 'object' && 'payload' in parsed ? parsed.payload : parsed;
    return typeof payload === 'string' ? payload : text;
  } catch {
    return text;
  }
}

const hrToEpochMs = (() => {
  const offsetMs = Date.now() - Number(process.hrtime.bigint()) / 1e6;
  return (ns) => Number(ns) / 1e6 + offsetMs;
})();

let written = 1; // the first document
/** TEMP: per document `id intended mongoAcked visible` (hrtime ns) when PIPELINE_LATENCY_TRACE names a file. */
const traced = process.env.PIPELINE_LATENCY_TRACE ? new Map() : undefined;

/** Waits (up to 5 minutes) until the sink acknowledged `total` records since the worker started. */
async function caughtUp(pipeline, total) {
  for (let i = 0; i < 3000; i++) {
    const families = parsePrometheus(await pipeline.metrics());
    const acknowledged = (families.sluice_sink_delivery_latency_seconds_count ?? []).reduce((n, x) => n + x.value, 0);
    if (acknowledged >= total) return;
    await sleep(100);
  }
}

/** One rate: writes for `seconds`, waits for every document, returns its histograms. */
async function measureRate(pipeline, stamps, rate, seconds, firstId, searchable = false) {
  const total = latencyHistogram();
  const write = latencyHistogram();
  const toKafka = latencyHistogram();
  const fromKafka = latencyHistogram();
  const search = latencyHistogram();
  const intended = new Map();
  const seen = [];
  const watcher = visibilityWatcher(pipeline.search, pipeline.index);
  const searchWatcher = searchable ? visibilityWatcher(pipeline.search, pipeline.index, 'search') : undefined;
  watcher.onVisible = (id, at) => {
    const start = intended.get(id);
    total.recordValue(Math.max(1, Number(at - start) / 1000));
    traced?.get(id)?.push(at);
    seen.push([id, start, at]); // split by the Kafka timestamp once the reader has caught up
    if (!searchWatcher) intended.delete(id);
  };
  if (searchWatcher)
    searchWatcher.onVisible = (id, at) => {
      // kept for both watchers: on a loaded machine a search may find a document first
      search.recordValue(Math.max(1, Number(at - intended.get(id)) / 1000));
    };
  const cpuAt = pipeline.cpuSeconds();
  const started = performance.now();
  const { late } = await openLoopWriter({
    collection: pipeline.collection,
    rate,
    seconds,
    firstId,
    onWritten: (id, intendedNs, ackedNs) => {
      intended.set(id, intendedNs);
      traced?.set(id, [intendedNs, ackedNs]);
      write.recordValue(Math.max(1, Number(ackedNs - intendedNs) / 1000));
      watcher.watch(id);
      searchWatcher?.watch(id);
    },
  });
  const writtenAt = performance.now();
  const count = Math.round(rate * seconds);
  const missing = (await watcher.stop(20_000)) + ((await searchWatcher?.stop(20_000)) ?? 0);
  const drainMs = performance.now() - writtenAt;
  await caughtUp(pipeline, (written += count)); // a backlog must not spill into the next rate
  for (let i = 0; i < 100 && !seen.every(([id]) => stamps.times.has(id)); i++) await sleep(100);
  for (const [id, start, at] of seen) {
    const kafkaMs = stamps.times.get(id);
    if (kafkaMs === undefined) continue;
    toKafka.recordValue(Math.max(1, (kafkaMs - hrToEpochMs(start)) * 1000));
    fromKafka.recordValue(Math.max(1, (hrToEpochMs(at) - kafkaMs) * 1000));
  }
  const cpu = pipeline.cpuSeconds() - cpuAt;
  return {
    rate,
    count,
    late,
    missing,
    drainMs,
    achieved: count / ((writtenAt - started) / 1000),
    workerCpuPer100k: (cpu / count) * 100_000,
    total: percentiles(total),
    write: percentiles(write),
    toKafka: percentiles(toKafka),
    fromKafka: percentiles(fromKafka),
    search: searchable ? percentiles(search) : undefined,
    mgetRequests: watcher.requests,
  };
}

/** A rate is stable when every document arrived, the writer kept its schedule and the tail drained fast. */
const stable = (r) => r.missing === 0 && r.drainMs < 2000 && r.total.p99 < 1000 && r.achieved > r.rate * 0.95;

/** The worker's stage histograms (sluice_*_latency_seconds), as p50/p99 estimates from the buckets. */
function stageHistograms(text) {
  const families = parsePrometheus(text);
  const out = [];
  for (const name of Object.keys(families).filter((n) => /latency_seconds_bucket$/.test(n))) {
    const buckets = families[name].map((b) => ({
      le: Number(b.labels.le === '+Inf' ? Infinity : b.labels.le),
      n: b.value,
    }));
    buckets.sort((a, b) => a.le - b.le);
    const count = buckets.at(-1)?.n ?? 0;
    const q = (p) => buckets.find((b) => b.n >= count * p)?.le;
    out.push({ name: name.replace(/_bucket$/, ''), count, p50: q(0.5), p99: q(0.99) });
  }
  return out;
}

export async function run(context = {}) {
  const seconds = context.secondsPerRate ?? 20;
  const pipeline = await startPipeline({
    name: `latency${Date.now().toString(36)}`,
    restPort: context.restPort ?? 18_641,
    source: context.source ?? {},
    sink: context.sink ?? {},
    env: context.env ?? {},
  });
  const results = [];
  let firstMs;
  try {
    // the first document of a new pipeline: the sink may have subscribed before the topic existed
    const t0 = performance.now();
    await pipeline.collection.insertOne({ _id: 'first', n: -1 });
    const first = visibilityWatcher(pipeline.search, pipeline.index);
    first.watch('first');
    first.onVisible = () => (firstMs = performance.now() - t0);
    await first.stop(60_000);
    const stamps = await timestampReader(pipeline.topic);
    let id = 0;
    await measureRate(pipeline, stamps, 200, 3, (id += 1_000_000)); // warm-up, not reported
    for (const rate of context.rates ?? [100, 1000, 5000]) {
      process.stderr.write(`pipeline-latency: ${rate}/s for ${seconds} s\n`);
      results.push(await measureRate(pipeline, stamps, rate, seconds, (id += 1_000_000), rate === 100));
    }
    const probe = context.probeRates ?? [10_000];
    for (const rate of probe) {
      process.stderr.write(`pipeline-latency: probing ${rate}/s\n`);
      results.push(await measureRate(pipeline, stamps, rate, Math.min(seconds, 10), (id += 1_000_000)));
    }
    const best = Math.max(...results.filter(stable).map((r) => r.rate));
    if (Number.isFinite(best) && context.eighty !== false) {
      const rate = Math.round(best * 0.8);
      process.stderr.write(`pipeline-latency: 80 % of ${best}/s = ${rate}/s\n`);
      results.push({ ...(await measureRate(pipeline, stamps, rate, seconds, (id += 1_000_000))), eighty: true });
    }
    const stages = stageHistograms(await pipeline.metrics());
    if (traced)
      fs.writeFileSync(
        process.env.PIPELINE_LATENCY_TRACE,
        [...traced].map(([id, times]) => `${id.slice(1)} ${times.join(' ')}`).join('\n') + '\n',
      );
    await stamps.stop();
    return report(results, firstMs, stages, seconds);
  } finally {
    await pipeline.stop();
  }
}

const ms = (v) => (v === undefined ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(1));

function report(results, firstMs, stages, seconds) {
  const rows = results
    .map(
      (r) =>
        `| ${r.rate}${r.eighty ? ' (80 % of highest stable)' : ''} | ${r.count} | ${stable(r) ? 'yes' : 'no'} | ${ms(r.total.p50)} | ${ms(r.total.p99)} | ${ms(r.total.p999)} | ${ms(r.total.max)} | ${r.workerCpuPer100k.toFixed(2)} |`,
    )
    .join('\n');
  const split = results
    .map(
      (r) =>
        `| ${r.rate} | ${ms(r.write.p50)} / ${ms(r.write.p99)} | ${ms(r.toKafka.p50)} / ${ms(r.toKafka.p99)} | ${ms(r.fromKafka.p50)} / ${ms(r.fromKafka.p99)} | ${ms(r.total.p50)} / ${ms(r.total.p99)} |`,
    )
    .join('\n');
  const searchRows = results
    .filter((r) => r.search)
    .map((r) => `| ${r.rate} | ${ms(r.search.p50)} | ${ms(r.search.p99)} | ${ms(r.search.max)} |`)
    .join('\n');
  const stageRows = stages.map((s) => `| ${s.name} | ${s.count} | ≤ ${s.p50 * 1000} | ≤ ${s.p99 * 1000} |`).join('\n');
  const markdown = `## Pipeline latency: MongoDB write → acknowledged in OpenSearch

Run ${new Date().toISOString()} on ${machine()}.
One standalone sluice-worker (MongoDB source, OpenSearch sink, default configs but topic creation
with 1 partition), the local services (MongoDB-wire emulator, Kafka, OpenSearch) on the same
machine. Open-loop writer (each document carries its intended write time; a burst that is due
goes in one insertMany), ${seconds} s per rate after a warm-up; latency = the realtime \`_mget\` (one
request in flight) that first finds the document − its intended time (an upper bound: it adds
half an _mget round trip on average). CPU = the worker process's user + system time.

First document of a new pipeline visible after **${ms(firstMs)} ms**.

| events/s | events | stable | p50 ms | p99 ms | p99.9 ms | max ms | worker CPU s per 100k |
|---|---|---|---|---|---|---|---|
${rows}

Stage split by the Kafka record timestamp (CreateTime: when the source task produced the record),
p50 / p99 in ms:

| events/s | write acknowledged by MongoDB | intended → produced to Kafka | Kafka timestamp → visible | total |
|---|---|---|---|---|
${split}

Searchable (a search, not a GET, finds it; index refresh interval 1 s, the default):

| events/s | p50 ms | p99 ms | max ms |
|---|---|---|---|
${searchRows}

The worker's own stage histograms at the end of the run (GET /metrics, bucket upper bounds in ms):

| histogram | observations | p50 | p99 |
|---|---|---|---|
${stageRows}
`;
  return { markdown, plots: { latencyByRate: results.map((r) => ({ rate: r.rate, ...r.total })) }, results };
}

export default harnessScenario({
  name: 'pipeline-latency',
  title: 'Pipeline latency: MongoDB write → acknowledged in OpenSearch',
  services: ['kafka', 'opensearch', 'mongodb'],
  run: ({ quick }) => run(quick ? { secondsPerRate: 5, probeRates: [] } : { secondsPerRate: 20 }),
  plots: (result, { lines }) => [
    [
      'pipeline-latency',
      lines({
        title: 'Latency to realtime-GET visible, by rate (ms)',
        points: result.results.flatMap((r) =>
          ['p50', 'p99', 'p999'].map((p) => ({ x: r.rate, y: r.total[p], series: p === 'p999' ? 'p99.9' : p })),
        ),
        x: 'events/s',
        y: 'ms',
      }),
    ],
  ],
});

/**
 * Standalone knobs: PIPELINE_LATENCY_REST_PORT (the worker's), PIPELINE_LATENCY_RATES and
 * PIPELINE_LATENCY_PROBE_RATES (comma lists, '' = none), PIPELINE_LATENCY_EIGHTY=0 (no 80 % run),
 * PIPELINE_LATENCY_REPORT (another report file), PIPELINE_LATENCY_PROFILE_DIR (the worker runs under --cpu-prof).
 */
function envContext(env) {
  const list = (text) => (text === undefined ? undefined : text.split(',').filter(Boolean).map(Number));
  return {
    restPort: env.PIPELINE_LATENCY_REST_PORT ? Number(env.PIPELINE_LATENCY_REST_PORT) : undefined,
    rates: list(env.PIPELINE_LATENCY_RATES),
    probeRates: list(env.PIPELINE_LATENCY_PROBE_RATES),
    eighty: env.PIPELINE_LATENCY_EIGHTY !== '0',
    env: env.PIPELINE_LATENCY_PROFILE_DIR ? { NODE_PROFILE_DIR: env.PIPELINE_LATENCY_PROFILE_DIR } : undefined,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { markdown } = await run({ secondsPerRate: Number(process.argv[2] ?? 20), ...envContext(process.env) });
  const file = process.env.PIPELINE_LATENCY_REPORT ?? path.join(root, 'bench', 'reports', 'pipeline-latency.md');
  fs.writeFileSync(
    file,
    `# Pipeline latency benchmark\n\n${markdown}\nReproduce: \`npm run services:up\`, \`npx tsc -b\`, then \`node bench/scenarios/pipeline-latency.mjs 20\` with KAFKA_BOOTSTRAP_SERVERS, OPENSEARCH_URL and MONGODB_URI set.\n`,
  );
  process.stdout.write(markdown);
  await sleep(10);
  process.exit(0);
}
