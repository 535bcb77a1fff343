import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { nearest } from './did-you-mean.js';
import { readJsonFile } from './json-file.js';
import { LogLevels } from './log-levels.js';
import { workerSettingDocs, workerSettingsHelp, workerSettingsReference } from './worker-config-docs.js';
import type winston from 'winston';
import { loadWorkerConfig } from './worker-config.js';
import type { WorkerConfig } from './worker-config.js';

const VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string })
  .version;

const USAGE = `usage: sluice-worker [--config FILE] [--<setting> VALUE ...] [connector.json ...]

Runs connectors: standalone (the default) or, in distributed mode (the mode setting), as one worker of a cluster
of workers sharing a group id (docs/cluster.md). Settings come from defaults, the config file, SLUICE_*
environment variables and --flags, later ones winning (a LIST is comma-separated, or its flag
repeated). A connector file holds Connect's POST /connectors body ({"name": ..., "config":
{...}}) or a flat config map. Stops gracefully on SIGTERM/SIGINT: every task flushes, commits
and closes.

Exit codes: 0 stopped (or help printed), 1 failed to start, 2 bad command line, settings or files.`;

const COMMANDS = `Options:
  --config FILE  worker settings as a JSON object (keys: see --help-config)
  --help, -h     print this help and exit
  --help-config  print every setting by its config-file key and exit
  --version      print the version and exit`;

/** What a command line asks for. */
type Request =
  | { readonly action: 'version' | 'help' | 'help-config' }
  | {
      readonly action: 'run';
      readonly configFile: string | undefined;
      /** Setting key (`rest.port`) → value, from the flags. */
      readonly flags: Record<string, string>;
      readonly connectorFiles: string[];
    };

/** A command line that asks for nothing runnable: exit 2, with the message. */
class UsageError extends Error {}

/** Setting flags (generated from the schema) and the command's own options, for parseArgs. */
const SETTING_FLAGS = new Map(
  workerSettingDocs().flatMap((setting) => (setting.arg ? [[setting.arg, setting] as const] : [])),
);
const OPTIONS = {
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  'help-config': { type: 'boolean' },
  version: { type: 'boolean' },
  ...Object.fromEntries(
    [...SETTING_FLAGS].map(([flag, setting]) => [flag, { type: 'string', multiple: setting.kind === 'list' }]),
  ),
} as const satisfies ParseArgsConfig['options'];

/**
 * The `sluice-worker` command. Resolves with the exit code once the worker has stopped: 0
 * after a graceful stop or a help text, 1 when the worker fails to start, 2 for a command
 * line, a setting or a file it cannot use (the message on stderr names it).
 */
export async function main(argv: string[]): Promise<number> {
  let request: Request;
  try {
    request = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sluice-worker: ${error.message}\n(sluice-worker --help lists every option)\n`);
    return 2;
  }
  if (request.action === 'version') process.stdout.write(`sluice-worker ${VERSION}\n`);
  if (request.action === 'help')
    process.stdout.write(
      `${USAGE}\n\n${COMMANDS}\n\nSettings (flag, environment variable, default):\n${workerSettingsHelp()}\n`,
    );
  if (request.action === 'help-config')
    process.stdout.write(
      `Worker settings by their key in the --config file, a JSON object with nested keys as objects\n(rest.port is {"rest": {"port": 8083}}):\n${workerSettingsReference()}\n`,
    );
  return request.action === 'run' ? run(request) : 0;
}

async function run(request: Extract<Request, { action: 'run' }>): Promise<number> {
  let config;
  try {
    const file = request.configFile === undefined ? {} : { file: request.configFile };
    config = loadWorkerConfig({ ...file, flags: request.flags });
    // a broken connector file stops the worker before anything starts, named with the fault's place
    for (const connectorFile of request.connectorFiles) readJsonFile(connectorFile, 'connector file');
  } catch (error) {
    const problems = (error as Error).message.split('\n');
    const text = problems.length === 1 ? ` ${problems[0]}` : problems.map((problem) => `\n  ${problem}`).join('');
    process.stderr.write(`sluice-worker: invalid configuration:${text}\n`);
    return 2;
  }
  // loaded only to run: --help and --version need neither winston nor the Kafka client
  const { createLogger } = await import('./logger.js');
  const levels = new LogLevels(config.logLevel);
  const log = createLogger(levels);
  let worker;
  try {
    worker = await startWorker(config, request.connectorFiles, log, levels);
  } catch (error) {
    log.error('worker failed to start', { error: (error as Error).message });
    return 1;
  }
  log.info('worker started', { mode: config.mode, connectors: worker.herder.connectors() });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log.info('stopping: flushing and committing every task', { timeoutMs: config.shutdownTimeoutMs });
  await worker.stop();
  log.info('worker stopped');
  return 0;
}

/**
 * `--version`, `--help`/`-h` and `--help-config` win, in that order, wherever they stand before
 * a `--`. Otherwise every option must be known and every setting flag have a value; the words
 * that are not options are connector files.
 */
function parseCommandLine(argv: readonly string[]): Request {
  const terminator = argv.indexOf('--');
  const options = terminator < 0 ? argv : argv.slice(0, terminator);
  if (options.includes('--version')) return { action: 'version' };
  if (options.includes('--help') || options.includes('-h')) return { action: 'help' };
  if (options.includes('--help-config')) return { action: 'help-config' };
  const lenient = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  for (const token of lenient.tokens) if (token.kind === 'option') checkOption(token);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad command line');
  }
  const flags: Record<string, string> = {};
  for (const [flag, setting] of SETTING_FLAGS) {
    const value = (parsed.values as Record<string, string | string[] | undefined>)[flag];
    if (value !== undefined) flags[setting.key] = Array.isArray(value) ? value.join(',') : value;
  }
  return { action: 'run', configFile: parsed.values.config, flags, connectorFiles: parsed.positionals };
}

interface OptionToken {
  readonly name: string;
  readonly rawName: string;
  readonly value: string | undefined;
  readonly inlineValue: boolean | undefined;
}

function checkOption(token: OptionToken): void {
  const known = (OPTIONS as Record<string, { type: string; short?: string }>)[token.name];
  if (known === undefined || (token.rawName.length === 2 && token.rawName !== `-${known.short}`)) {
    const near = token.rawName.startsWith('--') ? nearest(token.name, Object.keys(OPTIONS)) : undefined;
    throw new UsageError(`unknown option ${token.rawName}${near ? `; did you mean --${near}?` : ''}`);
  }
  if (known.type === 'boolean' && token.value !== undefined)
    throw new UsageError(`option ${token.rawName} takes no value`);
  if (known.type !== 'string') return;
  if (token.value === undefined) throw new UsageError(`option ${token.rawName} needs a value`);
  if (!token.inlineValue && token.value.startsWith('-'))
    throw new UsageError(
      `option ${token.rawName} needs a value, not the option ${token.value} (${token.rawName}=${token.value} if that is the value)`,
    );
}

/** The worker of the configured mode. Connector files are standalone's: a cluster takes connectors over REST. */
async function startWorker(config: WorkerConfig, connectorFiles: string[], log: winston.Logger, levels: LogLevels) {
  if (config.mode === 'standalone') {
    const { startStandaloneWorker } = await import('./standalone-worker.js');
    return startStandaloneWorker(config, connectorFiles, log, levels);
  }
  if (connectorFiles.length > 0)
    throw new Error('connector files are for standalone mode; in distributed mode, submit connectors over REST');
  const { startDistributedWorker } = await import('./distributed-worker.js');
  return startDistributedWorker(config, log, levels);
}
