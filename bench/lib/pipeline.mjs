// Shared by the pipeline scenarios: a real sluice-worker running MongoDB source → Kafka →
// OpenSearch sink, an open-loop writer that stamps every write with its intended time, and a
// watcher that finds each document with realtime _mget (visible = the bulk was acknowledged).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { MongoClient } = require(require.resolve('mongodb', { paths: [path.join(root, 'connectors/mongodb-source')] }));
const { Client } = require(
  require.resolve('@opensearch-project/opensearch', { paths: [path.join(root, 'connectors/opensearch-sink')] }),
);
const hdr = require('hdr-histogram-js');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The service addresses from the environment (npm run services:up prints them). */
export function services() {
  const kafka = process.env.KAFKA_BOOTSTRAP_SERVERS;
  const opensearch = process.env.OPENSEARCH_URL;
  const mongodb = process.env.MONGODB_URI ?? process.env.MONGODB_URL;
  if (!kafka || !opensearch || !mongodb)
    throw new Error('KAFKA_BOOTSTRAP_SERVERS, OPENSEARCH_URL and MONGODB_URI must be set (npm run services:up)');
  return { kafka, opensearch, mongodb };
}

/** A histogram of milliseconds with microsecond precision (1 µs .. 1 h, 3 significant digits). */
export function latencyHistogram() {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

/** p50/p99/p99.9/max of a µs histogram, in ms. */
export function percentiles(histogram) {
  const at = (p) => histogram.getValueAtPercentile(p) / 1000;
  return { count: histogram.totalCount, p50: at(50), p99: at(99), p999: at(99.9), max: histogram.maxValue / 1000 };
}

/** Starts a standalone worker with the two connectors; resolves once both tasks are RUNNING. */
export async function startPipeline({ name, restPort, source = {}, sink = {}, workerArgs = [], env = {} }) {
  const { kafka, opensearch, mongodb } = services();
  const state = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const database = `bench_${name.replace(/[^a-z0-9]/gi, '_')}`;
  const topic = `${database}.items`;
  const index = topic.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
  const files = [
    {
      name: `${name}-source`,
      config: {
        'connector.class': 'MongoDbSource',
        'connection.uri': mongodb,
        database,
        collection: 'items',
        'topic.creation.default.partitions': '1',
        'topic.creation.default.replication.factor': '1',
        ...source,
      },
    },
    {
      name: `${name}-sink`,
      config: {
        'connector.class': 'OpenSearchSink',
        topics: topic,
        'connection.url': opensearch,
        'index.name.template': index,
        ...sink,
      },
    },
  ].map((connector, i) => {
    const file = path.join(state, `connector-${i}.json`);
    fs.writeFileSync(file, JSON.stringify(connector));
    return file;
  });
  const log = fs.openSync(path.join(state, 'worker.log'), 'a');
  const bin = path.join(root, 'packages', 'worker', 'bin', 'sluice-worker.js');
  const args = ['--rest-port', String(restPort), '--state-dir', state, '--bootstrap-servers', kafka, ...workerArgs];
  // env.NODE_PROFILE_DIR: the worker runs under node --cpu-prof (its shebang's flags repeated)
  const profile = env.NODE_PROFILE_DIR
    ? ['--max-semi-space-size=16', '--cpu-prof', `--cpu-prof-dir=${env.NODE_PROFILE_DIR}`]
    : undefined;
  const child = spawn(profile ? process.execPath : bin, [...(profile ? [...profile, bin] : []), ...args, ...files], {
    cwd: root,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` },
  });
  const rest = `http://127.0.0.1:${restPort}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the worker exited (${child.exitCode}); see ${state}/worker.log`);
    if (i > 1200) throw new Error('the connectors did not reach RUNNING within 120 s');
    const states = await Promise.all(
      files.map((_, j) =>
        fetch(`${rest}/connectors/${j === 0 ? `${name}-source` : `${name}-sink`}/status`)
          .then((response) => (response.ok ? response.json() : undefined))
          .catch(() => undefined),
      ),
    );
    if (states.every((s) => s?.tasks?.[0]?.state === 'RUNNING')) break;
    await sleep(100);
  }
  const mongo = new MongoClient(mongodb, { maxPoolSize: 20 });
  await mongo.connect();
  const search = new Client({ node: opensearch });
  return {
    child,
    rest,
    state,
    topic,
    index,
    collection: mongo.db(database).collection('items'),
    search,
    /** Worker CPU seconds (user + system) from /proc. */
    cpuSeconds: () => processCpuSeconds(child.pid),
    async metrics() {
      return (await fetch(`${rest}/metrics`)).text();
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      await mongo
        .db(database)
        .dropDatabase()
        .catch(() => undefined);
      await mongo.close();
      await search.indices.delete({ index }).catch(() => undefined);
      await search.close();
      fs.rmSync(state, { recursive: true, force: true });
    },
  };
}

export function processCpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/**
 * Open loop: write i is due at start + i / rate, whatever the writes before it did (no
 * coordinated omission). Each document carries its intended time; `onWritten(id, intendedNs,
 * ackedNs)` is told when MongoDB acknowledged it.
 */
export async function openLoopWriter({ collection, rate, seconds, firstId = 0, onWritten, maxOutstanding = 5000 }) {
  const total = Math.round(rate * seconds);
  const start = process.hrtime.bigint() + 20_000_000n;
  const intervalNs = 1e9 / rate;
  let outstanding = 0;
  let late = 0;
  const writes = [];
  for (let i = 0; i < total;) {
    const now = process.hrtime.bigint();
    const dueCount = Math.min(total, Math.floor(Number(now - start) / intervalNs) + 1);
    if (dueCount <= i) {
      await sleep(Math.max(0, Math.min(1, (Number(start - now) + i * intervalNs) / 1e6)));
      continue;
    }
    const docs = [];
    for (; i < dueCount; i++) {
      const intended = start + BigInt(Math.round(i * intervalNs));
      docs.push({
        _id: `d${firstId + i}`,
        n: firstId + i,
        intended: Number(intended),
        name: `item ${i}`,
        price: i % 1000,
      });
    }
    if (outstanding > maxOutstanding) late += docs.length;
    outstanding += docs.length;
    // a burst of due writes goes in one insertMany (the writer must not fall behind its schedule)
    const write = (
      docs.length === 1 ? collection.insertOne(docs[0]) : collection.insertMany(docs, { ordered: true })
    ).then(() => {
      const acked = process.hrtime.bigint();
      outstanding -= docs.length;
      for (const doc of docs) onWritten?.(doc._id, BigInt(doc.intended), acked);
    });
    writes.push(write);
    if (writes.length > 1000) await Promise.all(writes.splice(0, 500));
  }
  await Promise.all(writes);
  return { total, late };
}

/**
 * Finds documents with realtime _mget (one request in flight), calling onVisible(id, ns) for each
 * as soon as it is found. The time of a sighting is the response's arrival: an upper bound.
 */
export function visibilityWatcher(search, index, mode = 'get') {
  const waiting = new Set();
  let stopped = false;
  let stopDeadline = Infinity;
  let requests = 0;
  let onVisible = () => undefined;
  const loop = (async () => {
    while (!stopped || waiting.size > 0) {
      if (waiting.size === 0) {
        await sleep(0.2);
        continue;
      }
      const ids = [...waiting].slice(0, 2000);
      requests += 1;
      const docs = await (mode === 'get' ? realtimeGet(search, index, ids) : searched(search, index, ids));
      const at = process.hrtime.bigint();
      for (const doc of docs)
        if (doc.found) {
          waiting.delete(doc._id);
          onVisible(doc._id, at);
        }
      if (stopped && waiting.size > 0 && Date.now() > stopDeadline) break;
    }
  })();
  return {
    watch: (id) => waiting.add(id),
    set onVisible(fn) {
      onVisible = fn;
    },
    get requests() {
      return requests;
    },
    get waiting() {
      return waiting.size;
    },
    async stop(graceMs = 30_000) {
      stopped = true;
      stopDeadline = Date.now() + graceMs;
      await loop;
      return waiting.size;
    },
  };
}

async function realtimeGet(search, index, ids) {
  const response = await search
    .mget({ index, body: { ids }, realtime: true, _source: false })
    .catch((error) => (error.meta?.statusCode === 404 ? { body: { docs: [] } } : Promise.reject(error)));
  return response.body.docs;
}

/** The documents a search (not a GET: only what a refresh made searchable) finds. */
async function searched(search, index, ids) {
  const response = await search
    .search({ index, body: { size: ids.length, _source: false, query: { ids: { values: ids } } } })
    .catch((error) => (error.meta?.statusCode === 404 ? { body: { hits: { hits: [] } } } : Promise.reject(error)));
  return response.body.hits.hits.map((hit) => ({ _id: hit._id, found: true }));
}

/** Prometheus text → { family: [{ labels, value }] } for the families named. */
export function parsePrometheus(text) {
  const out = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
    );
    (out[match[1]] ??= []).push({ labels, value: Number(match[3]) });
  }
  return out;
}

/** Machine facts for a report's header. */
export function machine() {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`;
}

/**
 * A standalone report's markdown under the harness's section title: its own `## ` heading is
 * dropped when it says the same, or kept one level down (`###`) when it says more.
 */
function underTitle(markdown, title) {
  const [first, ...rest] = markdown.trimStart().split('\n');
  if (!first.startsWith('## ')) return markdown;
  const heading = first.slice(3).trim();
  return heading === title ? rest.join('\n') : [`### ${heading}`, ...rest].join('\n');
}

/**
 * A scenario for the shared harness (bench/run.mjs, bench/lib/report.mjs): its `run` is called with
 * `{ quick, log }` and returns `{ markdown, ... }`; `plots(result, helpers)` lists
 * `[name, vegaLiteSpec]` pairs drawn with plot.mjs beside this file (loaded only under the harness, so
 * a scenario still runs standalone without it).
 */
export function harnessScenario({ name, title, services: needs, run, plots }) {
  return {
    name,
    title,
    services: needs,
    async run({ section, quick, log }) {
      const result = await run({ quick, log });
      section.text(underTitle(result.markdown, title));
      const helpers = await import('./plot.mjs');
      for (const [plotName, spec] of plots(result, helpers)) await section.plot(plotName, spec);
    },
  };
}
