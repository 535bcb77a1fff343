// The two systems a scenario compares, each as { id, name, version, describe, start(dir),
// sourceConfig, sinkConfig }; start() resolves to a running worker { pid, readyMs, create(name,
// config), remove(name), stop() } driven over its REST API (the same calls for both).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { repoRoot } from './services.mjs';

const sluiceBin = path.join(repoRoot, 'packages', 'worker', 'bin', 'sluice-worker.js');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

async function rest(url, method, body) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
}

/** REST calls shared by both workers. */
function driven(url, worker) {
  return {
    ...worker,
    url,
    create: (name, config) => rest(`${url}/connectors`, 'POST', { name, config }),
    remove: (name) => rest(`${url}/connectors/${encodeURIComponent(name)}`, 'DELETE'),
  };
}

const bootstrap = () => process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092';

/**
 * sluice-worker, standalone, started as an operator starts it (the bin, its shebang's V8 flags).
 * SLUICE_BENCH_CPU_PROF=<dir> runs it under `node --cpu-prof` instead, writing a profile per run;
 * SLUICE_BENCH_NODE_FLAGS adds Node/V8 flags after the bin's own (to try e.g. another young generation).
 */
export function sluiceSystem() {
  const version = JSON.parse(
    fs.readFileSync(path.join(repoRoot, 'packages', 'worker', 'package.json'), 'utf8'),
  ).version;
  return {
    id: 'sluice',
    name: 'Sluice',
    version,
    describe: `sluice-worker ${version} standalone (its defaults; the bin's V8 flags)`,
    sourceConfig: ({ file, topic }) => ({ 'connector.class': 'FileStreamSource', file, topic }),
    sinkConfig: ({ file, topic }) => ({ 'connector.class': 'FileStreamSink', file, topics: topic }),
    async start(dir) {
      fs.mkdirSync(dir, { recursive: true });
      const port = await freePort();
      const args = [
        '--rest-port',
        String(port),
        '--state-dir',
        path.join(dir, 'state'),
        '--bootstrap-servers',
        bootstrap(),
      ];
      const log = fs.openSync(path.join(dir, 'worker.log'), 'a');
      const profile = process.env.SLUICE_BENCH_CPU_PROF;
      // SLUICE_BENCH_NODE_FLAGS: V8/Node flags after the bin's own (a later flag wins), for trying settings
      const extra = (process.env.SLUICE_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
      const profiling = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
      const started = performance.now();
      const child =
        profile || extra.length > 0
          ? spawn(process.execPath, [...profiling, ...shebangFlags(), ...extra, sluiceBin, ...args], {
              stdio: ['ignore', log, log],
            })
          : spawn(sluiceBin, args, {
              stdio: ['ignore', log, log],
              env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` },
            });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const url = `http://127.0.0.1:${port}`;
      for (let ready = false; !ready;) {
        if (child.exitCode !== null) throw new Error(`sluice-worker exited (${child.exitCode}); see ${dir}/worker.log`);
        ready = await fetch(`${url}/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (!ready) await sleep(10);
      }
      const readyMs = Math.round(performance.now() - started);
      return driven(url, {
        pid: child.pid,
        readyMs,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    },
  };
}

/** The V8 flags of the bin's shebang line, for running it under plain node. */
function shebangFlags() {
  const first = fs.readFileSync(sluiceBin, 'utf8').split('\n')[0];
  return first.split(' ').filter((word) => word.startsWith('--'));
}

/** Apache Kafka Connect standalone, from the project's scripts (jars from Maven, cached). */
export async function connectSystem() {
  const { CONNECT_VERSION, startConnect } = await import(path.join(repoRoot, 'scripts', 'services', 'connect.mjs'));
  const { portIsFree } = await import(path.join(repoRoot, 'scripts', 'services', 'common.mjs'));
  // connect-standalone.sh's default heap is -Xmx2G (KAFKA_HEAP_OPTS); the script's -Xms128m stays
  const heap = process.env.BENCH_CONNECT_HEAP ?? '2g';
  return {
    id: 'connect',
    name: 'Connect',
    version: CONNECT_VERSION,
    describe: `Apache Kafka Connect ${CONNECT_VERSION} standalone (its worker defaults, JsonConverter, G1, -Xmx${heap})`,
    sourceConfig: ({ file, topic }) => ({
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'tasks.max': '1',
      file,
      topic,
    }),
    sinkConfig: ({ file, topic }) => ({
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      'tasks.max': '1',
      file,
      topics: topic,
    }),
    async start(dir) {
      fs.mkdirSync(dir, { recursive: true });
      const started = performance.now();
      // SLUICE_CONNECT_PORT when set and free (a shared machine gives each user their own ports), else any free port
      const wanted = Number(process.env.SLUICE_CONNECT_PORT ?? 0);
      const port = wanted > 0 && (await portIsFree(wanted)) ? wanted : 0;
      const logFile = path.join(dir, 'connect.log');
      const run = await startConnect({ mode: 'standalone', heap, dir, logFile, port });
      const readyMs = Math.round(performance.now() - started);
      return driven(run.url, { pid: run.pid, readyMs, stop: () => run.stop() });
    },
  };
}
