// Apache Kafka Connect 4.1.x from Maven Central jars, to compare Sluice with the real thing:
// distributed mode on the test broker (the REST parity tests; every start has its own group id
// and internal topics) or standalone mode (benchmarks with the FileStream connectors).
// connect-file is installed in plugin.path, as an operator installs a plugin.
//
// Not started with the other services: `npm run services:up` leaves it alone. Start it with
//   node scripts/services/cli.mjs up connect            (the service, port SLUICE_CONNECT_PORT)
//   node scripts/services/connect.mjs start [--mode distributed|standalone] [--port N] [--json]
// or from code: `const { url, stop } = await startConnect({ mode, port })`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cached,
  envPort,
  findJava,
  isOurProcess,
  logsDir,
  portIsFree,
  repoRoot,
  runMaven,
  ServiceError,
  servicesDir,
  startDetached,
  stopProcess,
  waitUntil,
} from './common.mjs';

export const CONNECT_VERSION = process.env.SLUICE_CONNECT_VERSION ?? '4.1.1';
const home = path.join(servicesDir, 'connect');
const install = path.join(home, CONNECT_VERSION);
const libs = path.join(install, 'libs');
const pluginPath = path.join(install, 'plugins');
const pomDir = path.join(repoRoot, 'scripts', 'services', 'connect');
const MAIN = {
  distributed: 'org.apache.kafka.connect.cli.ConnectDistributed',
  standalone: 'org.apache.kafka.connect.cli.ConnectStandalone',
};

/** Downloads the worker's jars and the connect-file plugin once per version. */
export function installConnect() {
  return cached(path.join(install, '.complete'), () => {
    const version = `-Dkafka.version=${CONNECT_VERSION}`;
    runMaven('connect', pomDir, [
      'dependency:copy-dependencies',
      version,
      `-DoutputDirectory=${libs}`,
      '-DincludeScope=runtime',
    ]);
    runMaven('connect', pomDir, [
      'dependency:copy',
      `-Dartifact=org.apache.kafka:connect-file:${CONNECT_VERSION}`,
      `-DoutputDirectory=${path.join(pluginPath, 'connect-file')}`,
    ]);
  });
}

const log4jProperties = `# written by scripts/services/connect.mjs: INFO to stdout (the worker's log file)
appender.out.type=Console
appender.out.name=STDOUT
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.out.ref=STDOUT
logger.reflections.name=org.reflections
logger.reflections.level=ERROR
`;

/** The worker properties of one run; `extra` (strings) goes last and wins. */
function workerProperties({ mode, port, bootstrapServers, groupId, dir, extra }) {
  const props = {
    'bootstrap.servers': bootstrapServers,
    listeners: `http://127.0.0.1:${port}`,
    'rest.advertised.host.name': '127.0.0.1',
    'rest.advertised.port': String(port),
    'plugin.path': pluginPath,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'offset.flush.interval.ms': '10000',
  };
  if (mode === 'distributed') {
    Object.assign(props, {
      'group.id': groupId,
      'config.storage.topic': `${groupId}-configs`,
      'offset.storage.topic': `${groupId}-offsets`,
      'status.storage.topic': `${groupId}-status`,
      'config.storage.replication.factor': '1',
      'offset.storage.replication.factor': '1',
      'status.storage.replication.factor': '1',
      // one partition each: the test broker is shared, and a run's topics are throwaway
      'offset.storage.partitions': '1',
      'status.storage.partitions': '1',
    });
  } else {
    props['offset.storage.file.filename'] = path.join(dir, 'offsets.dat');
  }
  return { ...props, ...extra };
}

const toProperties = (map) =>
  Object.entries(map)
    .map(([key, value]) => `${key}=${String(value).replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}`)
    .join('\n') + '\n';

/**
 * Writes one run's files and starts its JVM, detached; returns at once. Options: mode
 * ('distributed' default | 'standalone'), port, bootstrapServers (default KAFKA_BOOTSTRAP_SERVERS
 * or 127.0.0.1:9092), groupId (default: a new one), heap (default 384m), workerProps (extra
 * worker properties), connectors (standalone: [{name, config}] started with the worker), dir.
 */
export function launchConnect(options) {
  const { java } = findJava();
  const mode = options.mode ?? 'distributed';
  if (!MAIN[mode]) throw new ServiceError(`connect: mode must be distributed or standalone, not ${mode}`);
  const id = `${mode}-${Date.now()}-${crypto.randomBytes(3).toString('hex')}`;
  const dir = options.dir ?? path.join(home, 'runs', id);
  fs.mkdirSync(dir, { recursive: true });
  const groupId = options.groupId ?? `sluice-connect-${id}`;
  const bootstrapServers = options.bootstrapServers ?? process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092';
  const props = workerProperties({
    mode,
    port: options.port,
    bootstrapServers,
    groupId,
    dir,
    extra: options.workerProps ?? {},
  });
  const workerFile = path.join(dir, 'worker.properties');
  fs.writeFileSync(workerFile, toProperties(props));
  fs.writeFileSync(path.join(dir, 'log4j2.properties'), log4jProperties);
  const connectorFiles = (options.connectors ?? []).map(({ name, config }) => {
    const file = path.join(dir, `connector-${name}.properties`);
    fs.writeFileSync(file, toProperties({ ...config, name }));
    return file;
  });
  if (mode === 'distributed' && connectorFiles.length > 0) {
    throw new ServiceError('connect: connectors at start are for standalone mode; in distributed mode POST them');
  }
  const jvm = [
    `-Xms128m`,
    `-Xmx${options.heap ?? '384m'}`,
    '-XX:+UseG1GC',
    `-Dlog4j2.configurationFile=${path.join(dir, 'log4j2.properties')}`,
  ];
  const logFile = options.logFile ?? path.join(logsDir, `connect-${id}.log`);
  const pid = startDetached(java, [...jvm, '-cp', `${libs}/*`, MAIN[mode], workerFile, ...connectorFiles], {
    logFile,
    cwd: dir,
  });
  return {
    pid,
    url: `http://127.0.0.1:${options.port}`,
    mode,
    groupId,
    dir,
    logFile,
    marker: workerFile,
    version: CONNECT_VERSION,
    // the JVM and the worker's jars, for programs that use Connect's own classes (its RestClient)
    java,
    classpath: `${libs}/*`,
  };
}

/**
 * True once this worker listens on `url` (its own log says so: another process may hold the port,
 * and Connect only fails on it seconds later) and its herder has started (Connect 3.9+: GET
 * /health answers 200).
 */
export async function connectHealthy(url, logFile) {
  if (!fs.readFileSync(logFile, 'utf8').includes(`REST server listening at ${url}/`)) return false;
  const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3000) });
  return response.status === 200;
}

/** Installs (first time), starts and waits for a worker; resolves to {url, pid, ..., stop()}. */
export async function startConnect(options = {}) {
  const started = Date.now();
  installConnect();
  const port = options.port || (await freePort());
  if (!(await portIsFree(port))) throw new ServiceError(`connect: port ${port} on 127.0.0.1 is in use`);
  const run = launchConnect({ ...options, port });
  const alive = () => isOurProcess(run.pid, run.marker);
  await waitUntil('connect', () => connectHealthy(run.url, run.logFile), {
    timeoutMs: options.timeoutMs ?? 180_000,
    alive,
    logFile: run.logFile,
  });
  return { ...run, startedInMs: Date.now() - started, stop: () => stopConnect(run.pid, run.marker) };
}

/** SIGTERM (Connect stops its connectors and leaves its group), SIGKILL after 30 s. */
export async function stopConnect(pid, marker = 'org.apache.kafka.connect.cli.Connect') {
  if (!isOurProcess(pid, marker)) return 'not running';
  return stopProcess(pid, 30_000);
}

async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

// The `connect` service of cli.mjs: one distributed worker on a fixed port, a new group per start.
const servicePort = envPort('SLUICE_CONNECT_PORT', 18083);
const serviceDir = path.join(home, 'service');
export const connect = {
  name: 'connect',
  marker: path.join(serviceDir, 'worker.properties'),
  pidFile: path.join(home, 'connect.pid'),
  logFile: path.join(logsDir, 'connect.log'),
  ports: [['SLUICE_CONNECT_PORT', servicePort]],
  envVar: 'KAFKA_CONNECT_URL',
  address: `http://127.0.0.1:${servicePort}`,
  startTimeoutMs: 180_000,
  stopGraceMs: 30_000,
  install: installConnect,
  start() {
    fs.rmSync(serviceDir, { recursive: true, force: true });
    return launchConnect({ mode: 'distributed', port: servicePort, dir: serviceDir, logFile: this.logFile }).pid;
  },
  healthy: () => connectHealthy(`http://127.0.0.1:${servicePort}`, connect.logFile),
};

// CLI: start prints one JSON line {url, pid, marker, groupId, logFile, ...} with --json;
// stop --pid N [--marker M] stops a worker started so.
async function main(argv) {
  const [command, ...rest] = argv;
  const flags = {};
  for (let i = 0; i < rest.length; i++) {
    const name = rest[i].replace(/^--/, '');
    flags[name] = name === 'json' ? true : rest[++i];
  }
  if (command === 'start') {
    const run = await startConnect({
      mode: flags.mode ?? 'distributed',
      port: flags.port ? Number(flags.port) : 0,
      ...(flags['group-id'] ? { groupId: flags['group-id'] } : {}),
      ...(flags.heap ? { heap: flags.heap } : {}),
      ...(flags['bootstrap-servers'] ? { bootstrapServers: flags['bootstrap-servers'] } : {}),
      ...(flags.props ? { workerProps: JSON.parse(flags.props) } : {}),
    });
    const described = { ...run, stop: undefined };
    if (flags.json) process.stdout.write(`${JSON.stringify(described)}\n`);
    else
      process.stdout.write(
        `[connect] ${run.mode} ready in ${(run.startedInMs / 1000).toFixed(1)}s: ${run.url} (pid ${run.pid}, log ${run.logFile})\n`,
      );
  } else if (command === 'stop' && flags.pid) {
    process.stdout.write(`[connect] ${await stopConnect(Number(flags.pid), flags.marker)}\n`);
  } else {
    throw new ServiceError(
      'usage: connect.mjs start [--mode distributed|standalone] [--port N] [--group-id G] [--heap 384m] [--props JSON] [--json] | stop --pid N',
    );
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`connect: ${error instanceof ServiceError ? error.message : error.stack}\n`);
    process.exitCode = 1;
  });
}
