#!/usr/bin/env node
// `npm test`: install (first time), build, lint, then every jest suite against the real
// services (started by jest's global setup when no addresses are given). Ends with one line,
// `N passed, N failed, N skipped`, totalled over every suite.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsFile = path.join(root, '.jest-results', 'results.json');

function step(name, command, args) {
  const started = Date.now();
  console.log(`\n== ${name}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  console.log(`== ${name}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return result.status === 0;
}

const npx = (...args) => ['npx', ['--no-install', ...args]];

if (!step('setup', process.execPath, [path.join(root, 'scripts', 'setup.mjs')])) process.exit(1);
if (!step('build (tsc -b)', ...npx('tsc', '-b'))) process.exit(1);
// tests run through swc, which strips types without checking them: check them here
if (!step('type-check tests', ...npx('tsc', '-p', 'tsconfig.tests.json'))) process.exit(1);
const linted =
  step('lint (eslint, prettier)', ...npx('eslint', '.')) && step('format check', ...npx('prettier', '--check', '.'));

// The multi-process cluster suites (three sluice-workers each, restarts, SIGKILL) run after the
// rest, one at a time: run beside the other suites they compete for the two cores and for free
// ports with the Kafka Connect worker of the parity test. The broker-outage suite restarts the
// shared broker, so it runs there too.
const CLUSTER = '(packages/worker/test/distributed-|packages/runtime/test/broker-outage)';
const extra = process.argv.slice(2);
const phases = [
  ['tests (jest)', [`--testPathIgnorePatterns=${CLUSTER}`, ...extra]],
  ['cluster tests (jest, one at a time)', ['--runInBand', `--testPathPatterns=${CLUSTER}`, ...extra]],
];
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
for (const [index, [name, args]] of phases.entries()) {
  const file = resultsFile.replace(/\.json$/, `-${index}.json`);
  fs.rmSync(file, { force: true });
  step(name, ...npx('jest', '--json', `--outputFile=${file}`, '--passWithNoTests', ...args));
  if (fs.existsSync(file)) {
    const results = JSON.parse(fs.readFileSync(file, 'utf8'));
    passed += results.numPassedTests;
    failed += results.numFailedTests + results.numRuntimeErrorTestSuites;
    skipped += results.numPendingTests + results.numTodoTests;
    if (index === 0 && results.numTotalTests === 0) failed += 1; // a run that ran nothing is not a pass
  } else {
    failed += 1; // jest did not get as far as writing results
  }
}
if (!linted) failed += 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
