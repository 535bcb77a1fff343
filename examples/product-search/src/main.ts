#!/usr/bin/env node
// The product-search demo: a shop's catalogue in MongoDB, made searchable with facets in
// OpenSearch through Kafka by a sluice-worker, and a search page on top. `npm run demo` runs it
// (and starts the services first); `--once` makes it a bounded run that reports and exits.
import { parseArgs } from 'node:util';
import type { MongoClient } from 'mongodb';
import { startApp } from './app.js';
import type { App } from './app.js';
import { connectorStates } from './connectors.js';
import { PipelineFigures } from './figures.js';
import { CatalogueGenerator } from './generator.js';
import { percentiles } from './latency-probe.js';
import { benchmarkQueries } from './query-benchmark.js';
import { compareWithSource } from './verify.js';

const DEFAULT_PORT = 8080;
const HELP = `Usage: npm run demo -- [options]

  --products N          catalogue size loaded at start (default 100000)
  --rate N              changes per second written after the load (default 200)
  --port N              the search page's port (default ${DEFAULT_PORT}, or a free one when that is taken; 0: any free one)
  --host H              the address the page listens on (default 127.0.0.1; 0.0.0.0 in a container)
  --refresh-interval T  the index's refresh interval (default 100ms)
  --queries N           search queries with facets timed after the load (default 300)
  --once                a bounded run: load, change for --seconds, report, check, exit
  --seconds N           how long --once writes changes (default 10)
  -h, --help            this text

Needs KAFKA_BOOTSTRAP_SERVERS, OPENSEARCH_URL and MONGODB_URI (npm run demo sets them).`;

const say = (line: string) => process.stdout.write(`${line}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      products: { type: 'string', default: '100000' },
      rate: { type: 'string', default: '200' },
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'refresh-interval': { type: 'string', default: '100ms' },
      queries: { type: 'string', default: '300' },
      once: { type: 'boolean', default: false },
      seconds: { type: 'string', default: '10' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    say(HELP);
    process.exit(0);
  }
  const number = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, not ${values[name]}`);
    return value;
  };
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set; run the demo with \`npm run demo\`, which starts the services`);
    return value;
  };
  return {
    products: Math.max(number('products'), 100),
    rate: number('rate'),
    port: values.port === undefined ? undefined : number('port'),
    host: values.host,
    refreshInterval: values['refresh-interval'],
    queries: number('queries'),
    once: values.once,
    seconds: number('seconds'),
    kafka: env('KAFKA_BOOTSTRAP_SERVERS'),
    openSearchUrl: env('OPENSEARCH_URL'),
    mongoUri: env('MONGODB_URI'),
  };
}

type Options = ReturnType<typeof options>;

/** The page's port: the one asked for, else 8080, else (taken, and not asked for) any free one. */
async function start(opts: Options): Promise<App> {
  const app = (port: number) => startApp({ ...opts, port });
  try {
    return await app(opts.port ?? DEFAULT_PORT);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (opts.port !== undefined)
      throw new Error(`port ${opts.port} is taken: choose another with --port N (--port 0: any free port)`);
    say(`  port ${DEFAULT_PORT} is taken; the page gets a free port instead (choose one with --port N)`);
    return app(0);
  }
}

/** Aborted by Ctrl-C: every phase stops at its next step, then everything is stopped and removed. */
const interrupted = new AbortController();

async function main(): Promise<void> {
  const opts = options();
  process.once('SIGINT', () => {
    say('\n  stopping (Ctrl-C again to quit at once)');
    process.once('SIGINT', () => process.exit(130));
    interrupted.abort();
  });
  say('Sluice product-search demo: MongoDB -> Kafka -> OpenSearch by a sluice-worker, and a search page');
  const app = await start(opts);
  const { names, worker } = app;
  say(`  MongoDB ${await describeMongo(app.products.db.client)}, database ${names.database}; Kafka ${opts.kafka}`);
  say(`  sluice-worker ${worker.url}: ${await connectorStates(worker.url)} (submitted with POST /connectors)`);
  say(`  ${names.database}.${names.collection} -> topic ${app.topic} -> index ${names.index} at ${opts.openSearchUrl}`);
  say(`  search page: ${app.service.url}`);

  const generator = new CatalogueGenerator(app.products);
  const figures = new PipelineFigures(app.products, app.search, names.index, generator, opts.refreshInterval);
  const churnStop = new AbortController();
  let churn: Promise<void> | undefined;
  let failure: unknown;
  try {
    const signal = interrupted.signal;
    const started = Date.now();
    await generator.load(opts.products, signal);
    const loadedMs = Date.now() - started;
    await untilIndexed(app, generator.size, 300_000, signal);
    const searchableMs = Date.now() - started;
    say(
      `  loaded ${opts.products} products into MongoDB in ${seconds(loadedMs)} (${perSecond(opts.products, loadedMs)} inserts/s); ` +
        `all searchable ${seconds(searchableMs)} after the first write (${perSecond(opts.products, searchableMs)} changes/s end to end)`,
    );
    const settledMs = await untilMerged(app, 60_000, signal);
    say(`  no OpenSearch merge running any more (waited ${seconds(settledMs)}); the query benchmark starts`);
    churn = generator.churn(opts.rate, AbortSignal.any([signal, churnStop.signal]));
    // the probes start after the benchmark: their polling would load OpenSearch as no shopper does
    const queries = await benchmarkQueries(app.service.url, opts.queries, signal);
    say(
      `  search with facets, ${queries.queries} varied queries while ${opts.rate} changes/s stream in: ` +
        `search service ${percentiles(queries.serviceMs)} (OpenSearch took ${percentiles(queries.openSearchMs)}); goal p99 < 50 ms`,
    );
    say(
      `    slowest: ${queries.slowest.query} (${Math.round(queries.slowest.ms)} ms); ${queries.totalHits} results in all`,
    );
    figures.start();
    if (opts.once) await bounded(app, opts, figures, () => churnStop.abort(), churn);
    else {
      say('  live figures every 5 s; Ctrl-C stops the demo');
      const timer = setInterval(() => say(`  ${figures.liveLine()}`), 5000);
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      clearInterval(timer);
    }
  } catch (error) {
    if (!interrupted.signal.aborted) failure = error;
  } finally {
    churnStop.abort();
    await Promise.all([churn, figures.stop()]).catch((error: unknown) => (failure ??= error));
    const { workerExit } = await app.close();
    say(`  sluice-worker stopped (exit ${workerExit}); removed this run's database, topic, index and consumer group`);
    if (workerExit !== 0) failure ??= new Error(`the worker exited with ${workerExit}`);
  }
  if (failure) throw failure;
}

/** The rest of a --once run: changes for a while, figures, then the index must equal MongoDB. */
async function bounded(
  app: App,
  opts: Options,
  figures: PipelineFigures,
  stopChanges: () => void,
  churn: Promise<void>,
): Promise<void> {
  for (let left = opts.seconds * 1000; left > 0; left -= 5000) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, 5000)));
    if (interrupted.signal.aborted) return;
    say(`  ${figures.liveLine()}`);
  }
  stopChanges();
  await Promise.all([churn, figures.stop()]);
  say(`  after the load: ${figures.summary()}`);
  let comparison = await compareWithSource(app.products, app.search, app.names.index);
  for (const deadline = Date.now() + 60_000; !equal(comparison) && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    comparison = await compareWithSource(app.products, app.search, app.names.index);
  }
  say(
    `  index equals source: ${equal(comparison) ? 'yes' : 'NO'} (${comparison.sourceCount} in MongoDB, ${comparison.indexCount} in OpenSearch, ${comparison.mismatched.length} differ)`,
  );
  say(`  connector tasks: ${await connectorStates(app.worker.url)}`);
  if (!equal(comparison))
    throw new Error(`the index differs from MongoDB: ${comparison.mismatched.slice(0, 5).join(', ')}`);
}

async function untilIndexed(app: App, count: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!signal.aborted) {
    const { body } = await app.search.count({ index: app.names.index });
    if (body.count >= count) return;
    if (Date.now() > deadline)
      throw new Error(`only ${body.count} of ${count} products searchable after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the index has no merge running: a bulk load can leave some, which would slow the queries timed next. */
async function untilMerged(app: App, timeoutMs: number, signal: AbortSignal): Promise<number> {
  const started = Date.now();
  while (!signal.aborted && Date.now() - started < timeoutMs) {
    const { body } = await app.search.indices.stats({ index: app.names.index, metric: 'merge' });
    if (body.indices?.[app.names.index]?.total?.merges?.current === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return Date.now() - started;
}

const equal = (c: { sourceCount: number; indexCount: number; mismatched: string[] }) =>
  c.mismatched.length === 0 && c.sourceCount === c.indexCount;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const perSecond = (n: number, ms: number) => Math.round((n * 1000) / Math.max(ms, 1));

/** Says whether the demo runs against the emulator or a real server (its build info tells). */
async function describeMongo(client: MongoClient): Promise<string> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  return typeof info.emulator === 'string' ? `${info.emulator} (emulator)` : String(info.version);
}

main().catch((error: unknown) => {
  if (interrupted.signal.aborted) process.exit(130);
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
