// One jest run over every workspace. Tests import workspace packages by name; the mapper points
// those names at their TypeScript sources, so tests never run against a stale dist/.
const fs = require('node:fs');
const path = require('node:path');

const workspaceDirs = ['packages', 'connectors', 'examples'].flatMap((group) =>
  fs.existsSync(group)
    ? fs
        .readdirSync(group)
        .map((name) => path.join(group, name))
        .filter((dir) => fs.existsSync(path.join(dir, 'package.json')))
    : [],
);

const workspaceMapper = Object.fromEntries(
  workspaceDirs.map((dir) => {
    const { name } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    return [`^${name.replace('/', '\\/')}$`, `<rootDir>/${dir}/src/index.ts`];
  }),
);

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: workspaceDirs.map((dir) => `<rootDir>/${dir}`),
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    ...workspaceMapper,
    // NodeNext sources import './x.js'; in jest the file is './x.ts'
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  globalSetup: '<rootDir>/scripts/jest/global-setup.ts',
  globalTeardown: '<rootDir>/scripts/jest/global-teardown.ts',
  testTimeout: 60_000,
  // integration tests share three real servers; two workers fit a 2-core machine
  maxWorkers: 2,
};
