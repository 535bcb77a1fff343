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

fs.rmSync(resultsFile, { force: true });
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
const jestArgs = ['--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)];
step('tests (jest)', ...npx('jest', ...jestArgs));

let passed = 0;
let failed = 0;
let skipped = 0;
if (fs.existsSync(resultsFile)) {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
  skipped = results.numPendingTests + results.numTodoTests;
  if (results.numTotalTests === 0) failed += 1; // a run that ran nothing is not a pass
} else {
  failed = 1; // jest did not get as far as writing results
}
if (!linted) failed += 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
