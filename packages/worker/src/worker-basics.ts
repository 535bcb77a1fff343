import fs from 'node:fs';
import path from 'node:path';
import type { ConnectorCatalog, KafkaClientSettings } from '@sluice/runtime';
import { kafkaClientSettings } from '@sluice/runtime';
import type { Logger } from '@sluice/sdk';
import type winston from 'winston';
import { sdkLogger } from './logger.js';
import { PluginLoader } from './plugins/plugin-loader.js';
import { restSecurity } from './rest/rest-security.js';
import type { WorkerConfig } from './worker-config.js';

export const VERSION = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** What every worker assembles before its herder, whatever its mode. */
export interface WorkerBasics {
  readonly catalog: ConnectorCatalog;
  /** Scans the plugin directories again (POST /sluice/plugins/reload). */
  readonly reloadCatalog: () => ConnectorCatalog;
  readonly kafka: KafkaClientSettings;
  readonly security: ReturnType<typeof restSecurity>;
  /** host:port, as statuses report the worker. */
  readonly workerId: string;
  readonly herderLog: (connector: string, task?: number) => Logger;
}

/**
 * Plugins, Kafka client settings and REST security, checked before anything runs: bad TLS or
 * auth files stop the worker at once.
 */
export function workerBasics(config: WorkerConfig, log: winston.Logger): WorkerBasics {
  // plugins beside the worker's install and in pluginPath, never the current directory
  const plugins = new PluginLoader({ pluginPath: config.pluginPath });
  const catalog = plugins.load();
  log.info('plugins found', {
    connectors: catalog.found().map((entry) => `${entry.packageName} (${entry.alias ?? entry.connector.name})`),
  });
  for (const plugin of catalog.broken(false))
    log.error('plugin cannot be used', { plugin: plugin.packageName, reason: plugin.reason });
  return {
    catalog,
    reloadCatalog: () => plugins.load(),
    kafka: kafkaClientSettings(config.bootstrapServers, 'sluice-worker', config.kafka),
    security: restSecurity(config.rest),
    workerId: `${config.rest.host}:${config.rest.port}`,
    herderLog: (connector, task) => sdkLogger(log.child(task === undefined ? { connector } : { connector, task })),
  };
}
