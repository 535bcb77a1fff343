#!/usr/bin/env node
// The product-search demo: a shop's catalogue in MongoDB, made searchable with facets in
// OpenSearch through Kafka by a sluice-worker, and a search page on top. `npm run demo` runs it
// (and starts the services first); `--once` makes it a bounded run that reports and exits.
import type { MongoClient } from 'mongodb';
import { startApp } from './app.js';
import type { App } from './app.js';
import { connectorStates } from './connectors.js';
import { PipelineFigures } from './figures.js';
import { CatalogueGenerator } from './generator.js';
import { percentiles } from './latency-probe.js';
import { DEFAULT_PORT, options } from './options.js';
import type { Options } from './options.js';
import { benchmarkQueries } from './query-benchmark.js';
import { compareWithSource } from './verify.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
// a closed stdout (e.g. `| head`) must not crash the run before it removes its data
process.stdout.on('error', () => undefined);

/** Ends the run (Ctrl-C, or a failure of what writes or probes in the background): each phase stops at its next step. */
const stopRun = new AbortController();
let interrupted = false;
let failure: unknown;
const fail = (error: unknown) => {
  failure ??= error;
  stopRun.abort();
};

async function main(): Promise<void> {
  const opts = options();
  process.once('SIGINT', () => {
    say("\n  stopping (Ctrl-C again quits at once, leaving this run's data on the servers)");
    process.once('SIGINT', () => process.exit(130));
    interrupted = true;
    stopRun.abort();
  });
  say('Sluice product-search demo: MongoDB -> Kafka -> OpenSearch by a sluice-worker, and a search page');
  const app = await start(opts);
  const generator = new CatalogueGenerator(app.products);
  const figures = new PipelineFigures(app.products, app.search, app.names.index, generator, opts.refreshInterval);
  const changes = new AbortController();
  let churn: Promise<void> | undefined;
  const steps = [
    () => describe(app, opts),
    () => load(app, generator, opts.products),
    () => void (churn = generator.churn(opts.rate, AbortSignal.any([stopRun.signal, changes.signal])).catch(fail)),
    () => timeQueries(app, opts),
    // the probes start after the query benchmark: their polling would load OpenSearch as no shopper does
    () => figures.start(fail),
    () => (opts.once ? bounded(app, opts, figures, () => changes.abort()) : live(figures)),
  ];
  try {
    for (const step of steps) if (!stopRun.signal.aborted) await step();
  } catch (error) {
    if (!interrupted) fail(error);
  } finally {
    changes.abort();
    await Promise.all([churn, figures.stop()]);
    const { workerExit } = await app.close();
    say(`  sluice-worker stopped (exit ${workerExit}); removed this run's database, topic, index and consumer group`);
    if (workerExit !== 0) failure ??= new Error(`the worker exited with ${workerExit}`);
  }
  if (failure) throw failure;
}

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

async function describe(app: App, opts: Options): Promise<void> {
  const { names, worker } = app;
  say(`  MongoDB ${await describeMongo(app.products.db.client)}, database ${names.database}; Kafka ${opts.kafka}`);
  say(`  sluice-worker ${worker.url}: ${await connectorStates(worker.url)} (submitted with POST /connectors)`);
  say(`  ${names.database}.${names.collection} -> topic ${app.topic} -> index ${names.index} at ${opts.openSearchUrl}`);
  say(`  search page: ${app.service.url}`);
}

/** Loads the catalogue and waits until all of it is searchable. */
async function load(app: App, generator: CatalogueGenerator, products: number): Promise<void> {
  const started = Date.now();
  await generator.load(products, stopRun.signal);
  const loadedMs = Date.now() - started;
  const count = async () => (await app.search.count({ index: app.names.index })).body.count;
  if ((await until(async () => (await count()) >= generator.size, 300_000)) === undefined) {
    if (stopRun.signal.aborted) return;
    throw new Error(`only ${await count()} of ${generator.size} products searchable after 300 s`);
  }
  const searchableMs = Date.now() - started;
  say(
    `  loaded ${products} products into MongoDB in ${seconds(loadedMs)} (${perSecond(products, loadedMs)} inserts/s); ` +
      `all searchable ${seconds(searchableMs)} after the first write (${perSecond(products, searchableMs)} changes/s end to end)`,
  );
}

/** The query benchmark, once no merge left by the load is running (it would slow what is timed). */
async function timeQueries(app: App, opts: Options): Promise<void> {
  const index = app.names.index;
  const waited = await until(async () => {
    const { body } = await app.search.indices.stats({ index, metric: 'merge' });
    return body.indices?.[index]?.total?.merges?.current === 0;
  }, 60_000);
  if (stopRun.signal.aborted) return;
  say(`  no OpenSearch merge running any more (waited ${seconds(waited ?? 60_000)}); the query benchmark starts`);
  const queries = await benchmarkQueries(app.service.url, opts.queries, stopRun.signal);
  if (stopRun.signal.aborted) return;
  say(
    `  search with facets, ${queries.queries} varied queries while ${opts.rate} changes/s stream in: ` +
      `search service ${percentiles(queries.serviceMs)} (OpenSearch took ${percentiles(queries.openSearchMs)}); goal p99 < 50 ms`,
  );
  say(
    `    slowest: ${queries.slowest.query} (${Math.round(queries.slowest.ms)} ms); ${queries.totalHits} results in all`,
  );
}

/** Live figures every 5 s until the run stops. */
async function live(figures: PipelineFigures): Promise<void> {
  say('  live figures every 5 s; Ctrl-C stops the demo');
  const timer = setInterval(() => say(`  ${figures.liveLine()}`), 5000);
  await new Promise((resolve) => stopRun.signal.addEventListener('abort', resolve, { once: true }));
  clearInterval(timer);
}

/** The rest of a --once run: changes for a while, figures, then the index must equal MongoDB. */
async function bounded(app: App, opts: Options, figures: PipelineFigures, stopChanges: () => void): Promise<void> {
  for (let left = opts.seconds * 1000; left > 0 && !stopRun.signal.aborted; left -= 5000) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, 5000)));
    say(`  ${figures.liveLine()}`);
  }
  if (stopRun.signal.aborted) return;
  stopChanges();
  await figures.stop();
  say(`  after the load: ${figures.summary()}`);
  const compare = () => compareWithSource(app.products, app.search, app.names.index);
  let comparison = await compare();
  await until(async () => equal((comparison = await compare())), 60_000, 500);
  say(
    `  index equals source: ${equal(comparison) ? 'yes' : 'NO'} (${comparison.sourceCount} in MongoDB, ${comparison.indexCount} in OpenSearch, ${comparison.mismatched.length} differ)`,
  );
  say(`  connector tasks: ${await connectorStates(app.worker.url)}`);
  if (!equal(comparison))
    throw new Error(`the index differs from MongoDB: ${comparison.mismatched.slice(0, 5).join(', ')}`);
}

/** Asks `done` until it is true: resolves with the time that took, or undefined once `timeoutMs` passed or the run stopped. */
async function until(done: () => Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<number | undefined> {
  const started = Date.now();
  while (!stopRun.signal.aborted && Date.now() - started < timeoutMs) {
    if (await done()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return undefined;
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
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
