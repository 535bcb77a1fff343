#!/usr/bin/env node
// `npm run demo [-- options]`: installs and builds (first time), starts the real services it is
// not given addresses for, then runs the product-search application (examples/product-search):
// a sluice-worker, the connectors, the catalogue generator and the search page, with live
// figures until Ctrl-C. `npm run demo -- --once` is a bounded run that prints its report and
// exits; `npm run demo -- --help` lists the options. `npm run demo -- --workers 3` starts a
// three-worker cluster instead (scripts/cluster.mjs). The services keep running afterwards
// (`npm run services:down` stops them); the demo removes its own data from them.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function run(what, command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
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

/** The product-search application (the default demo). */
function productSearch() {
  if (!args.includes('--help') && !args.includes('-h')) {
    console.log('== installing and building (first run only takes minutes)');
    run('setup', process.execPath, [path.join(root, 'scripts/setup.mjs')]);
    run('build', 'npx', ['--no-install', 'tsc', '-b']);
  }
  const env = { ...process.env, ...(args.includes('--help') || args.includes('-h') ? {} : servicesUp()) };
  const app = spawn(process.execPath, [path.join(root, 'examples/product-search/dist/main.js'), ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    // its own process group: Ctrl-C reaches this script only, which passes it on once, so the
    // application (not the terminal) stops its worker, removes its data and exits
    detached: true,
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill('SIGINT'));
  app.on('exit', (code, signal) => {
    if (code === 0) console.log('(services keep running; stop them with: npm run services:down)');
    process.exit(code ?? (signal === 'SIGINT' ? 130 : 1));
  });
}

/** `--workers N`: a cluster of N distributed workers on this machine instead (scripts/cluster.mjs). */
function cluster() {
  run('build', 'npx', ['--no-install', 'tsc', '-b']);
  const child = spawn(process.execPath, [path.join(root, 'scripts/cluster.mjs'), ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 1));
}

if (args.includes('--workers')) cluster();
else productSearch();
