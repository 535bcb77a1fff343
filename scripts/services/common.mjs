// Shared helpers for the local-service scripts. Plain Node (no dependencies) so that
// `npm run services:up` works before `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const servicesDir = process.env.SLUICE_SERVICES_DIR ?? path.join(repoRoot, '.services');
export const logsDir = path.join(servicesDir, 'logs');
export const mavenRepo = process.env.SLUICE_MAVEN_REPO ?? path.join(servicesDir, 'cache', 'm2');

/** An error whose message tells the operator what to do; printed without a stack. */
export class ServiceError extends Error {}

export function envPort(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ServiceError(`${name}=${raw} is not a TCP port (1-65535)`);
  }
  return port;
}

export function log(service, message) {
  process.stdout.write(`[${service}] ${message}\n`);
}

/** Java 17 or newer, from JAVA_HOME or PATH. Returns { java, javaHome, major }. */
export function findJava() {
  const candidates = [];
  if (process.env.JAVA_HOME) candidates.push(path.join(process.env.JAVA_HOME, 'bin', 'java'));
  candidates.push('java');
  for (const java of candidates) {
    const probe = spawnSync(java, ['-XshowSettings:properties', '-version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) continue;
    const version = /java\.specification\.version = (\d+)/.exec(probe.stderr)?.[1];
    const home = /java\.home = (.+)/.exec(probe.stderr)?.[1]?.trim();
    const major = Number(version);
    if (major >= 17 && home) return { java: path.join(home, 'bin', 'java'), javaHome: home, major };
    if (major) {
      throw new ServiceError(
        `Java ${major} found (${java}) but Java 17 or newer is needed: install it ` +
          '(Debian: apt-get install openjdk-17-jdk-headless) and/or point JAVA_HOME at it',
      );
    }
  }
  throw new ServiceError(
    'Java not found: install Java 17 (Debian: apt-get install openjdk-17-jdk-headless) ' +
      'or set JAVA_HOME; or point KAFKA_BOOTSTRAP_SERVERS, OPENSEARCH_URL and MONGODB_URI at running services',
  );
}

/** Runs Maven with the project's own download cache; throws a readable error on failure. */
export function runMaven(service, cwd, args) {
  const probe = spawnSync('mvn', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new ServiceError('Maven (mvn) not found: install it (Debian: apt-get install maven)');
  }
  const logFile = path.join(logsDir, `${service}-maven.log`);
  fs.mkdirSync(logsDir, { recursive: true });
  // SLUICE_MAVEN_ARGS: extra arguments for every Maven call, e.g. `-s my-settings.xml` for a mirror
  const extra = (process.env.SLUICE_MAVEN_ARGS ?? '').split(/\s+/).filter(Boolean);
  const result = spawnSync('mvn', ['-B', '-q', `-Dmaven.repo.local=${mavenRepo}`, ...extra, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  fs.writeFileSync(logFile, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.status !== 0) {
    const tail = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-8).join('\n');
    throw new ServiceError(
      `download/build of ${service} with Maven failed (full output: ${logFile}).\n${tail}\n` +
        'Check that the Maven repository is reachable (proxy settings in ~/.m2/settings.xml), then run again.',
    );
  }
}

export function readPid(pidFile) {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive and its command line contains `marker` (guards against PID reuse). */
export function isOurProcess(pid, marker) {
  if (pid === undefined) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(marker);
  } catch {
    return false;
  }
}

export function portIsFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function assertPortsFree(service, ports) {
  for (const [name, port] of ports) {
    if (!(await portIsFree(port))) {
      throw new ServiceError(
        `${service}: port ${port} on 127.0.0.1 is in use by another process. Stop that process ` +
          `(see: ss -ltnp 'sport = :${port}'), or choose another port with ${name}=<port>`,
      );
    }
  }
}

/** Starts a detached process whose output goes to `logFile`; returns its pid. */
export function startDetached(command, args, { logFile, env, cwd }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  child.unref();
  return child.pid;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns true. Fails early when `alive()` turns false (the process died)
 * and after `timeoutMs`, pointing at the log file.
 */
export async function waitUntil(service, check, { timeoutMs, alive, logFile }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (!alive()) {
      throw new ServiceError(`${service} exited while starting; its log: ${logFile}\n${tailOf(logFile)}`);
    }
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(250);
  }
  throw new ServiceError(
    `${service} did not become healthy within ${timeoutMs / 1000}s` +
      (lastError ? ` (last probe: ${lastError.message})` : '') +
      `; its log: ${logFile}\n${tailOf(logFile)}`,
  );
}

export function tailOf(file, lines = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

/** Sends SIGTERM, waits up to `graceMs`, then SIGKILL. Resolves once the process is gone. */
export async function stopProcess(pid, graceMs) {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return !isZombie(pid);
    } catch {
      return false;
    }
  };
  if (!alive()) return 'not running';
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive()) return 'stopped';
    await sleep(200);
  }
  process.kill(pid, 'SIGKILL');
  while (alive()) await sleep(100);
  return 'killed after timeout';
}

function isZombie(pid) {
  try {
    return /\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Downloads once: skips `fetch` when `marker` exists, writes it after success. */
export function cached(marker, fetch) {
  if (fs.existsSync(marker)) return false;
  fetch();
  fs.mkdirSync(path.dirname(marker), { recursive: true });
  fs.writeFileSync(marker, new Date().toISOString() + '\n');
  return true;
}
