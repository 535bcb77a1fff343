import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectorCatalog, Herder, KafkaClientSettings, OverridePolicy } from '@sluice/runtime';
import { kafkaClientSettings, overridePolicyOf } from '@sluice/runtime';
import type { Logger } from '@sluice/sdk';
import type { FastifyInstance } from 'fastify';
import type winston from 'winston';
import type { LogLevels } from './log-levels.js';
import { sdkLogger, workerLogger } from './logger.js';
import { PluginLoader } from './plugins/plugin-loader.js';
import { restSecurity } from './rest/rest-security.js';
import { createRestServer } from './rest/server.js';
import type { WorkerConfig } from './worker-config.js';

const packageDir = path.join(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
  version: string;
  gitHead?: string;
};
export const VERSION = manifest.version;

/**
 * The commit the worker was built from, as GET / shows it (Connect: 16 hex digits): the checkout's
 * HEAD when the worker runs from one, else the `gitHead` npm writes into a published package.json,
 * else `unknown`.
 */
export const COMMIT = ((): string => {
  const git = spawnSync('git', ['rev-parse', '--short=16', 'HEAD'], {
    cwd: packageDir,
    encoding: 'utf8',
    timeout: 2000,
  });
  const head = git.status === 0 ? git.stdout.trim() : '';
  if (/^[0-9a-f]{7,40}$/.test(head)) return head;
  return manifest.gitHead?.slice(0, 16) ?? 'unknown';
})();

/** The herder options every mode shares, from the worker's config. */
export interface CommonHerderOptions {
  readonly catalog: ConnectorCatalog;
  /** Scans the plugin directories again (POST /sluice/plugins/reload). */
  readonly reloadCatalog: () => ConnectorCatalog;
  readonly kafka: KafkaClientSettings;
  /** host:port, as statuses report the worker. */
  readonly workerId: string;
  readonly log: (connector: string, task?: number) => Logger;
  readonly commitIntervalMs: number;
  readonly clientOverridePolicy: OverridePolicy;
}

/** What every worker assembles before its herder, whatever its mode. */
export interface WorkerBasics {
  readonly herderOptions: CommonHerderOptions;
  readonly security: ReturnType<typeof restSecurity>;
  /** The REST API over the herder, not listening yet. */
  readonly restServer: (herder: Herder) => FastifyInstance;
}

/**
 * Plugins, Kafka client settings and REST security, checked before anything runs: bad TLS or
 * auth files stop the worker at once.
 */
export function workerBasics(config: WorkerConfig, log: winston.Logger, logLevels?: LogLevels): WorkerBasics {
  // plugins beside the worker's install and in pluginPath, never the current directory
  const plugins = new PluginLoader({ pluginPath: config.pluginPath });
  const catalog = plugins.load();
  log.info('plugins found', {
    connectors: catalog.found().map((entry) => `${entry.packageName} (${entry.alias ?? entry.connector.name})`),
  });
  for (const plugin of catalog.broken(false))
    log.error('plugin cannot be used', { plugin: plugin.packageName, reason: plugin.reason });
  const security = restSecurity(config.rest);
  const herderOptions: CommonHerderOptions = {
    catalog,
    reloadCatalog: () => plugins.load(),
    kafka: kafkaClientSettings(config.bootstrapServers, 'sluice-worker', config.kafka),
    workerId: `${config.rest.host}:${config.rest.port}`,
    log: (connector, task) => sdkLogger(log.child(task === undefined ? { connector } : { connector, task })),
    commitIntervalMs: config.offsetFlushIntervalMs,
    // the schema's format checked the name
    clientOverridePolicy: overridePolicyOf(config.connectorClientConfigOverridePolicy) ?? 'All',
  };
  const restServer = (herder: Herder) =>
    createRestServer({
      herder,
      version: VERSION,
      commit: COMMIT,
      bodyLimit: config.rest.bodyLimitBytes,
      log: workerLogger(log),
      ...(logLevels ? { logLevels } : {}),
      ...security,
    });
  return { herderOptions, security, restServer };
}
