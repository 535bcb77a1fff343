import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ConnectorOffsets,
  FileConfigStore,
  FileOffsetStore,
  StandaloneRuntime,
  kafkaClientSettings,
} from '@sluice/runtime';
import type { StandaloneRuntimeOptions } from '@sluice/runtime';
import type winston from 'winston';
import type { LogLevels } from './log-levels.js';
import { sdkLogger } from './logger.js';
import { loadPlugins } from './plugins/plugin-loader.js';
import { restSecurity } from './rest/rest-security.js';
import { createRestServer } from './rest/server.js';
import type { WorkerConfig } from './worker-config.js';

const VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string })
  .version;

export interface StandaloneWorker {
  readonly runtime: StandaloneRuntime;
  /** Where the REST API listens, e.g. http://127.0.0.1:8083. */
  readonly restUrl: string;
  /** Graceful: every task flushes, commits and closes, bounded by shutdownTimeoutMs. */
  stop(): Promise<void>;
}

/**
 * A standalone worker: plugins from node_modules and the plugin path, connector configs and
 * source offsets in `stateDir`, the connector files given on the command line applied on top.
 */
export async function startStandaloneWorker(
  config: WorkerConfig,
  connectorFiles: readonly string[],
  log: winston.Logger,
  logLevels?: LogLevels,
): Promise<StandaloneWorker> {
  const catalog = loadPlugins([process.cwd(), ...config.pluginPath]);
  log.info('plugins loaded', {
    connectors: catalog.entries().map((entry) => `${entry.packageName} (${entry.alias ?? entry.connector.name})`),
  });
  const kafka = kafkaClientSettings(config.bootstrapServers, 'sluice-worker', config.kafka);
  const security = restSecurity(config.rest); // bad TLS or auth files stop the worker before anything runs
  const { runtime, offsets } = fileBackedRuntime({
    stateDir: config.stateDir,
    catalog,
    kafka,
    log: (connector, task) => sdkLogger(log.child(task === undefined ? { connector } : { connector, task })),
    commitIntervalMs: config.offsetFlushIntervalMs,
  });
  await runtime.start();
  for (const file of connectorFiles) {
    const connector = readConnectorFile(file);
    const created = await runtime.put(connector);
    log.info(created ? 'connector created' : 'connector updated', { connector: connector.name, file });
  }
  const workerId = `${config.rest.host}:${config.rest.port}`;
  const rest = createRestServer({
    runtime,
    catalog,
    offsets,
    workerId,
    version: VERSION,
    bodyLimit: config.rest.bodyLimitBytes,
    ...(logLevels ? { logLevels } : {}),
    ...security,
  });
  const restUrl = await rest.listen({ host: config.rest.host, port: config.rest.port });
  log.info('REST API listening', { url: restUrl });
  return {
    runtime,
    restUrl,
    stop: async () => {
      await rest.close();
      await runtime.shutdown(config.shutdownTimeoutMs);
    },
  };
}

/** What a standalone runtime needs besides its state directory. */
export type FileBackedRuntimeOptions = Omit<StandaloneRuntimeOptions, 'configs' | 'offsets'> & {
  readonly stateDir: string;
};

/**
 * A standalone runtime keeping connector configs (`connectors.json`) and source offsets
 * (`offsets.json`) in `stateDir`, and Connect's offsets API over it.
 */
export function fileBackedRuntime(options: FileBackedRuntimeOptions): {
  runtime: StandaloneRuntime;
  offsets: ConnectorOffsets;
} {
  const { stateDir, ...runtimeOptions } = options;
  const sourceOffsets = new FileOffsetStore(path.join(stateDir, 'offsets.json'));
  const runtime = new StandaloneRuntime({
    // the same worker after a restart: its sink tasks take their partitions back at once
    memberIdentity: `${os.hostname()}:${path.resolve(stateDir)}`,
    ...runtimeOptions,
    configs: new FileConfigStore(path.join(stateDir, 'connectors.json')),
    offsets: sourceOffsets,
  });
  return { runtime, offsets: new ConnectorOffsets(runtime, sourceOffsets, options.kafka) };
}

/**
 * A connector file: the body of Connect's `POST /connectors` (`{"name": ..., "config": {...}}`)
 * or a flat config map. Values become strings, as Connect configs are.
 */
export function readConnectorFile(file: string): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`connector file ${file}: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error(`connector file ${file}: must hold a JSON object`);
  const body = json as { name?: unknown; config?: unknown };
  const flat =
    typeof body.config === 'object' && body.config !== null ? { ...(body.config as object), name: body.name } : body;
  return Object.fromEntries(
    Object.entries(flat)
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([key, value]) => [key, typeof value === 'object' ? JSON.stringify(value) : String(value)]),
  );
}
