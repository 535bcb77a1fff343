#!/usr/bin/env node
// `npm run cluster [-- --workers N --group-id ID --port P]` (also `npm run demo -- --workers N`):
// starts N sluice-worker processes in distributed mode on this machine, one cluster on the
// Kafka broker at KAFKA_BOOTSTRAP_SERVERS (or the one `npm run services:up` starts), REST ports
// P, P+1, ... (default 18081). The first worker starts alone (it creates the internal topics),
// then the others. Prints the cluster view once every worker holds slots; Ctrl-C stops every
// worker gracefully (SIGTERM: tasks flush, commit, leave). Logs: <state dir>/worker-<i>.log.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const usage = `usage: npm run cluster -- [--workers N (3)] [--group-id ID (sluice-demo)] [--port FIRST_PORT (18081)]
  [--session-timeout-ms MS (10000)]`;

function option(name, fallback) {
  const args = process.argv.slice(2);
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : args[at + 1];
}
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(usage);
  process.exit(0);
}
const count = Number(option('workers', '3'));
const port = Number(option('port', '18081'));
const groupId = option('group-id', 'sluice-demo');
const session = option('session-timeout-ms', '10000');
for (const [name, value] of [
  ['workers', count],
  ['port', port],
  ['session-timeout-ms', Number(session)],
]) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name}: must be a whole number of at least 1\n${usage}`);
    process.exit(2);
  }
}

function kafka() {
  if (process.env.KAFKA_BOOTSTRAP_SERVERS) return process.env.KAFKA_BOOTSTRAP_SERVERS;
  console.log('== starting Kafka (npm run services:up kafka)');
  const up = spawnSync(process.execPath, [path.join(root, 'scripts/services/cli.mjs'), 'up', 'kafka'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(up.stdout);
  if (up.status !== 0) process.exit(1);
  return /KAFKA_BOOTSTRAP_SERVERS=(\S+)/.exec(up.stdout)[1];
}

const bootstrap = kafka();
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `sluice-${groupId}-`));
const bin = path.join(root, 'packages/worker/bin/sluice-worker.js');
const workers = [];

/** Starts worker i; resolves once it logged that it joined the cluster. */
function startWorker(i) {
  const log = path.join(stateDir, `worker-${i}.log`);
  const out = fs.openSync(log, 'a');
  const child = spawn(
    process.execPath,
    [
      bin,
      '--mode',
      'distributed',
      '--group-id',
      groupId,
      '--bootstrap-servers',
      bootstrap,
      '--rest-port',
      String(port + i),
      '--state-dir',
      path.join(stateDir, `w${i}`),
      '--session-timeout-ms',
      session,
    ],
    { cwd: root, stdio: ['ignore', out, out] },
  );
  workers.push(child);
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (fs.readFileSync(log, 'utf8').includes('joined the cluster')) resolve(clearInterval(timer));
      else if (child.exitCode !== null) reject(new Error(`worker ${i} exited ${child.exitCode}; see ${log}`));
    }, 200);
  });
}

async function view() {
  try {
    return await (await fetch(`http://127.0.0.1:${port}/sluice/cluster`)).json();
  } catch {
    return undefined;
  }
}

function stopAll() {
  for (const child of workers) if (child.exitCode === null) child.kill('SIGTERM');
}
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

try {
  await startWorker(0);
  await Promise.all(Array.from({ length: count - 1 }, (_, i) => startWorker(i + 1)));
  let seen;
  for (let tries = 0; tries < 150 && (seen?.workers.length !== count || !seen.leader); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    seen = await view();
  }
  console.log(`== a ${count}-worker cluster "${groupId}" on ${bootstrap} (logs in ${stateDir})`);
  for (const worker of seen?.workers ?? [])
    console.log(`   ${worker.url}${worker.id === seen.leader ? '  (leader)' : ''}`);
  console.log(
    `== any worker takes REST calls, e.g. curl -s http://127.0.0.1:${port}/sluice/cluster; Ctrl-C stops them all`,
  );
} catch (error) {
  console.error(String(error.message));
  stopAll();
  process.exitCode = 1;
}
await Promise.all(
  workers.map((child) => new Promise((resolve) => (child.exitCode === null ? child.on('exit', resolve) : resolve()))),
);
