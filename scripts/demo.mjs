#!/usr/bin/env node
// `npm run demo`: installs and builds (first time), starts the real services, runs the
// product-search pipeline and reports what it did. Services stay up afterwards (stop them
// with `npm run services:down`) so the index can be explored at OPENSEARCH_URL.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function run(what, command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    process.stderr.write(`demo: ${what} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(1);
  }
}

function servicesUp() {
  const env = {};
  const names = { kafka: 'KAFKA_BOOTSTRAP_SERVERS', opensearch: 'OPENSEARCH_URL', mongodb: 'MONGODB_URI' };
  const missing = Object.keys(names).filter((name) => !process.env[names[name]]);
  if (missing.length === 0) return env;
  console.log(`== starting ${missing.join(', ')} (npm run services:up)`);
  const result = spawnSync(process.execPath, [path.join(root, 'scripts/services/cli.mjs'), 'up', ...missing], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(result.stdout);
  if (result.status !== 0) process.exit(1);
  for (const name of missing) env[names[name]] = new RegExp(`${names[name]}=(\\S+)`).exec(result.stdout)[1];
  return env;
}

console.log('== installing and building (first run only takes minutes)');
run('setup', process.execPath, [path.join(root, 'scripts/setup.mjs')]);
run('build', 'npx', ['--no-install', 'tsc', '-b']);
const env = { ...process.env, ...servicesUp() };
console.log('== running the product-search pipeline');
run('the pipeline', process.execPath, [path.join(root, 'examples/product-search/dist/main.js')], env);
console.log('(services keep running for exploring; stop them with: npm run services:down)');
