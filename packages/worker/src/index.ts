export type { LoadOptions, WorkerConfig } from './worker-config.js';
export { loadWorkerConfig, workerConfigSchema } from './worker-config.js';
export { createLogger, taskLogger } from './logger.js';
export type { PluginManifest } from './plugins/plugin-loader.js';
export { PluginError, loadPlugins } from './plugins/plugin-loader.js';
export type { StandaloneWorker } from './standalone-worker.js';
export { readConnectorFile, startStandaloneWorker } from './standalone-worker.js';
export { main } from './cli.js';
