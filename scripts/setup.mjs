#!/usr/bin/env node
// Installs what the project needs on a fresh clone, once: native build prerequisites, then
// `npm ci`. Run by `npm test`, `npm run build` and `npm run demo`; fast when nothing changed.
//
// @confluentinc/kafka-javascript ships librdkafka's source and, offline, must compile it
// (its prebuilt binaries come from a host these machines cannot reach). CKJS_LINKING=dynamic
// links the system's OpenSSL and zlib instead of downloading and building them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lockfile = path.join(root, 'package-lock.json');
const installedLock = path.join(root, 'node_modules', '.package-lock.json');
const nativeAddon = path.join(
  root,
  'node_modules/@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node',
);

function fail(message) {
  process.stderr.write(`setup: ${message}\n`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    fail(`Node ${process.versions.node} is too old: Sluice needs Node 20.19 or newer (the mongodb driver does).`);
  }
}

function installNeeded() {
  if (!fs.existsSync(installedLock) || !fs.existsSync(nativeAddon)) return true;
  return fs.statSync(lockfile).mtimeMs > fs.statSync(installedLock).mtimeMs;
}

/** OpenSSL and zlib headers and a C++ toolchain, for the librdkafka build. */
function ensureNativePrerequisites() {
  const missing = [
    ['/usr/include/openssl/ssl.h', 'libssl-dev'],
    ['/usr/include/zlib.h', 'zlib1g-dev'],
  ].filter(([header]) => !fs.existsSync(header));
  const toolchain = spawnSync('g++', ['--version']).status === 0 && spawnSync('make', ['--version']).status === 0;
  const packages = missing.map(([, pkg]) => pkg).concat(toolchain ? [] : ['build-essential']);
  if (packages.length === 0) return;
  if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).error) {
    fail(
      `missing build prerequisites for the Kafka client: install ${packages.join(' ')} (Debian/Ubuntu package names), then run again.`,
    );
  }
  console.log(`setup: installing ${packages.join(' ')} with apt-get`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', ...packages], { DEBIAN_FRONTEND: 'noninteractive' });
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

checkNode();
if (installNeeded()) {
  ensureNativePrerequisites();
  const started = Date.now();
  console.log('setup: installing dependencies (the Kafka client compiles librdkafka: about 1-4 minutes)');
  run('npm', [fs.existsSync(lockfile) ? 'ci' : 'install', '--no-audit', '--no-fund'], { CKJS_LINKING: 'dynamic' });
  if (!fs.existsSync(nativeAddon))
    fail(`the Kafka client's native addon was not built (${nativeAddon}); see the npm output above.`);
  console.log(`setup: dependencies installed in ${((Date.now() - started) / 1000).toFixed(0)}s`);
}
