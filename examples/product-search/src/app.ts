import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { MongoClient } from 'mongodb';
import type { Collection } from 'mongodb';
import { GroupOffsets, KafkaAdmin, kafkaClientSettings } from '@sluice/runtime';
import { startWorkerProcess } from '@sluice/worker';
import type { WorkerProcess } from '@sluice/worker';
import type { Product } from './catalogue.js';
import { connectorConfigs, submitConnectors, topicOf } from './connectors.js';
import type { PipelineNames } from './connectors.js';
import { createProductIndex, deleteProductIndex } from './index-template.js';
import { startSearchService } from './search-service.js';
import type { SearchService } from './search-service.js';

export interface AppOptions {
  readonly kafka: string;
  readonly mongoUri: string;
  readonly openSearchUrl: string;
  /** The index's refresh interval: how soon an indexed change is searchable. */
  readonly refreshInterval: string;
  /** The page's port; 0: any free one. */
  readonly port: number;
  /** The page's address; default 127.0.0.1. */
  readonly host?: string;
}

/** The running shop: the pipeline (a sluice-worker with two connectors) and the search page. */
export interface App {
  readonly names: PipelineNames;
  readonly topic: string;
  readonly worker: WorkerProcess;
  readonly service: SearchService;
  readonly search: Client;
  readonly products: Collection<Product>;
  /** Stops the page and the worker (gracefully), then removes this run's data everywhere. */
  close(): Promise<{ workerExit: number | null }>;
}

/**
 * Starts the search service first (so a busy port fails before anything else starts), creates
 * the index from its template and the topic, starts a `sluice-worker` process and submits the
 * two connectors through its REST API. Every name carries a run id, so runs on shared servers
 * never meet; close() removes them. On a failure, what was started is stopped again.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  const names: PipelineNames = {
    run,
    mongoUri: options.mongoUri,
    database: `shop_${run}`,
    collection: 'products',
    topicPrefix: 'sluice',
    openSearchUrl: options.openSearchUrl,
    index: `products-${run}`,
  };
  const topic = topicOf(names);
  const stateDir = path.join(os.tmpdir(), `sluice-product-search-${run}`);
  const search = new Client({ node: options.openSearchUrl });
  const mongo = new MongoClient(options.mongoUri, { serverSelectionTimeoutMS: 10_000 });
  const kafka = kafkaClientSettings(options.kafka, 'sluice-product-search');
  const undo: (() => Promise<unknown>)[] = [];
  const cleanUp = async () => {
    for (const step of undo.reverse()) await step().catch(() => undefined);
  };
  undo.push(
    () => search.close(),
    () => mongo.close(),
  );
  try {
    const where = { port: options.port, ...(options.host ? { host: options.host } : {}) };
    const service = await startSearchService({ search, index: names.index, ...where });
    undo.push(() => service.close());
    await mongo.connect();
    undo.push(() => mongo.db(names.database).dropDatabase());
    await createProductIndex(search, names.index, options.refreshInterval);
    undo.push(() => deleteProductIndex(search, names.index));
    const admin = new KafkaAdmin(kafka);
    undo.push(async () => {
      await admin.deleteTopic(topic).catch(() => undefined);
      admin.close();
    });
    await admin.ensureTopic({ topic, partitions: 3, replicationFactor: 1 });
    const worker = await startWorkerProcess({
      stateDir,
      bootstrapServers: options.kafka,
      connectors: {}, // submitted through the REST API below, as an operator would
      settings: { offsetFlushIntervalMs: 1000 },
    });
    undo.push(
      () => fs.promises.rm(stateDir, { recursive: true, force: true }),
      () => new GroupOffsets(kafka, `connect-products-search-${run}`).deleteAll(),
    );
    let workerExit: Promise<number | null> | undefined;
    undo.push(() => (workerExit ??= worker.stop()));
    await submitConnectors(worker.url, connectorConfigs(names));
    const products = mongo.db(names.database).collection<Product>(names.collection);
    return {
      names,
      topic,
      worker,
      service,
      search,
      products,
      close: async () => {
        await service.close();
        workerExit = worker.stop();
        const exit = await workerExit;
        await cleanUp();
        return { workerExit: exit };
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
