import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileConfigStore, FileOffsetStore, StandaloneHerder } from '@sluice/runtime';
import type { StandaloneHerderOptions } from '@sluice/runtime';
import type winston from 'winston';
import type { LogLevels } from './log-levels.js';
import { workerBasics } from './worker-basics.js';
import type { WorkerConfig } from './worker-config.js';

export interface StandaloneWorker {
  readonly herder: StandaloneHerder;
  /** Where the REST API listens, e.g. http://127.0.0.1:8083. */
  readonly restUrl: string;
  /** Graceful: every task flushes, commits and closes, bounded by shutdownTimeoutMs. */
  stop(): Promise<void>;
}

/**
 * A standalone worker: plugins beside the worker's install and in the plugin path, connector configs and
 * source offsets in `stateDir`, the connector files given on the command line applied on top (a
 * file whose config is stored as it is leaves its connector as the stored state started it).
 */
export async function startStandaloneWorker(
  config: WorkerConfig,
  connectorFiles: readonly string[],
  log: winston.Logger,
  logLevels?: LogLevels,
): Promise<StandaloneWorker> {
  const { herderOptions, restServer } = workerBasics(config, log, logLevels);
  const herder = fileBackedHerder({ ...herderOptions, stateDir: config.stateDir });
  const connectors = connectorFiles.map((file) => ({ file, config: readConnectorFile(file) }));
  // stored connectors start behind the REST API: it listens whatever they hold
  await herder.start();
  for (const { file, config: connector } of connectors) {
    const name = connector.name ?? '';
    // the same config as stored: applying it again would stop and start the running connector
    if (herder.holdsConfig(name, connector)) {
      log.info('connector unchanged', { connector: name, file });
      continue;
    }
    const { created } = await herder.putConnectorConfig(name, connector);
    log.info(created ? 'connector created' : 'connector updated', { connector: name, file });
  }
  const rest = restServer(herder);
  const restUrl = await rest.listen({ host: config.rest.host, port: config.rest.port });
  log.info('REST API listening', { url: restUrl });
  return {
    herder,
    restUrl,
    stop: async () => {
      await rest.close();
      await herder.stop(config.shutdownTimeoutMs);
    },
  };
}

/** What a standalone herder needs besides its state directory. */
export type FileBackedHerderOptions = Omit<StandaloneHerderOptions, 'configs' | 'offsets'> & {
  readonly stateDir: string;
};

/** A standalone herder keeping connector configs (`connectors.json`) and source offsets (`offsets.json`) in `stateDir`. */
export function fileBackedHerder(options: FileBackedHerderOptions): StandaloneHerder {
  const { stateDir, ...herderOptions } = options;
  return new StandaloneHerder({
    // the same worker after a restart: its sink tasks take their partitions back at once
    memberIdentity: `${os.hostname()}:${path.resolve(stateDir)}`,
    ...herderOptions,
    configs: new FileConfigStore(path.join(stateDir, 'connectors.json')),
    offsets: new FileOffsetStore(path.join(stateDir, 'offsets.json')),
  });
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
