import { LogLevels } from './log-levels.js';
import { createLogger } from './logger.js';
import { startStandaloneWorker } from './standalone-worker.js';
import { loadWorkerConfig } from './worker-config.js';

const USAGE = `usage: sluice-worker [--config worker.json] [--<setting> value ...] [connector.json ...]

Runs connectors in standalone mode. Settings come from defaults, the config file, SLUICE_*
environment variables and --flags, later ones winning. Stops gracefully on SIGTERM/SIGINT.`;

/** The `sluice-worker` command. Resolves with the exit code once the worker has stopped. */
export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { configFile, settings, connectorFiles } = splitArgs(argv);
  let config;
  try {
    config = loadWorkerConfig({ ...(configFile === undefined ? {} : { file: configFile }), args: settings });
  } catch (error) {
    process.stderr.write(`sluice-worker: invalid configuration: ${(error as Error).message}\n`);
    return 2;
  }
  const levels = new LogLevels(config.logLevel);
  const log = createLogger(levels);
  let worker;
  try {
    worker = await startStandaloneWorker(config, connectorFiles, log, levels);
  } catch (error) {
    log.error('worker failed to start', { error: (error as Error).message });
    return 1;
  }
  log.info('worker started', { mode: 'standalone', connectors: worker.herder.connectors() });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log.info('stopping: flushing and committing every task', { timeoutMs: config.shutdownTimeoutMs });
  await worker.stop();
  log.info('worker stopped');
  return 0;
}

/** `--config FILE`, `--setting value` / `--setting=value` pairs, and connector files. */
function splitArgs(argv: readonly string[]): { configFile?: string; settings: string[]; connectorFiles: string[] } {
  const settings: string[] = [];
  const connectorFiles: string[] = [];
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--config') configFile = argv[++i];
    else if (arg.startsWith('--config=')) configFile = arg.slice('--config='.length);
    else if (arg.startsWith('--') && arg.includes('=')) settings.push(arg);
    else if (arg.startsWith('--')) settings.push(arg, argv[++i] ?? '');
    else connectorFiles.push(arg);
  }
  return { ...(configFile === undefined ? {} : { configFile }), settings, connectorFiles };
}
