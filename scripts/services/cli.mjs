#!/usr/bin/env node
// npm run services:up | services:down | services:status [kafka|opensearch|mongodb|connect ...]
//
// Starts the real services the tests and the demo use, as local processes (no Docker):
// idempotent (a healthy running service is left alone), waits until each is healthy, prints
// where each listens. Logs: .services/logs/. Downloads: .services/cache/.
// `connect` (Apache Kafka Connect, for the parity tests and benchmarks) is started only when
// named: `up` with no names starts the three services every test needs.
import fs from 'node:fs';
import { findJava, isOurProcess, log, portIsFree, readPid, ServiceError, stopProcess, waitUntil } from './common.mjs';
import { connect } from './connect.mjs';
import { kafka } from './kafka.mjs';
import { mongo } from './mongo.mjs';
import { opensearch } from './opensearch.mjs';

const all = [kafka, opensearch, mongo];
const known = [...all, connect];

function select(command, names) {
  // down and status also cover connect; up starts it only when asked for
  if (names.length === 0) return command === 'up' ? all : known;
  return names.map((name) => {
    const service = known.find((s) => s.name === name || (name === 'mongo' && s.name === 'mongodb'));
    if (!service) throw new ServiceError(`unknown service "${name}"; known: ${known.map((s) => s.name).join(', ')}`);
    return service;
  });
}

const running = (service) => isOurProcess(readPid(service.pidFile), service.marker);

async function up(service) {
  const started = Date.now();
  if (running(service)) {
    await waitHealthy(service);
    log(service.name, `already running: ${service.envVar}=${service.address}`);
    return;
  }
  for (const [envName, port] of service.ports) {
    if (!(await portIsFree(port))) {
      throw new ServiceError(
        `${service.name}: port ${port} on 127.0.0.1 is in use by another process. Stop it ` +
          `(see: ss -ltnp 'sport = :${port}'), choose another port with ${envName}=<port>, or, ` +
          `if it is a ${service.name} you run yourself, point ${service.envVar} at it instead`,
      );
    }
  }
  if (service.install())
    log(service.name, `downloaded and installed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  fs.rmSync(service.pidFile, { force: true });
  const pid = service.start();
  if (pid !== undefined) fs.writeFileSync(service.pidFile, `${pid}\n`);
  log(service.name, `starting (log: ${service.logFile})`);
  await waitHealthy(service);
  log(service.name, `ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${service.envVar}=${service.address}`);
}

function waitHealthy(service) {
  const startedAt = Date.now();
  return waitUntil(service.name, () => service.healthy(), {
    timeoutMs: service.startTimeoutMs,
    logFile: service.logFile,
    // the pid file may be written by the service itself a moment after it starts
    alive: () => running(service) || (!readPid(service.pidFile) && Date.now() - startedAt < 20_000),
  });
}

async function down(service) {
  const pid = readPid(service.pidFile);
  if (!isOurProcess(pid, service.marker)) {
    fs.rmSync(service.pidFile, { force: true });
    log(service.name, 'not running');
    return;
  }
  const outcome = await stopProcess(pid, service.stopGraceMs);
  fs.rmSync(service.pidFile, { force: true });
  log(service.name, `${outcome} (pid ${pid})`);
}

async function status(service) {
  if (!running(service)) return log(service.name, 'not running');
  const healthy = await service.healthy().catch(() => false);
  log(service.name, `${healthy ? 'healthy' : 'running, not healthy'}: ${service.envVar}=${service.address}`);
}

async function main() {
  const [command, ...names] = process.argv.slice(2);
  const actions = { up, down, status };
  const action = actions[command];
  if (!action) throw new ServiceError('usage: cli.mjs up|down|status [kafka|opensearch|mongodb|connect ...]');
  const services = select(command, names);
  if (command === 'up') findJava(); // before any download: say what is missing first
  for (const service of services) await action(service);
}

main().catch((error) => {
  const message = error instanceof ServiceError ? error.message : error.stack;
  process.stderr.write(`services: ${message}\n`);
  process.exitCode = 1;
});
