import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONTAINER_PACKAGES } from '@sluice/testkit';

// The contract suites run as an author runs them (their own jest process, the built packages) on
// small connectors written to pass or to break one rule, to show the suites do what the guide
// says: retry put and flush as the runtime does, name a leaked handle, always clean up, and let
// jest exit on a failure instead of hanging; all without testcontainers installed.
const repo = path.resolve(__dirname, '..', '..', '..');
const built = (pkg: string) => path.join(repo, 'packages', pkg, 'dist', 'index.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-suites-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A sink over an in-memory target; `put` writes at once (no buffering), as the webhook sink does. */
const SINK = (extra: { createTask?: string; close?: string; whenBroken?: string }) => `
const { RetriableError, Type, defineSink } = require('@sluice/sdk');
const { describeSinkContract } = require('@sluice/testkit');
const fs = require('node:fs');
const net = require('node:net');
const target = { broken: false, stored: new Map() };
const connector = defineSink({
  name: 'MemorySink', version: '0.0.1', description: 'test', config: Type.Object({ label: Type.String() }),
  async createTask(config, ctx) {
    ${extra.createTask ?? ''}
    return {
      async put(records) {
        for (const record of records) {
          if (target.broken) { ${extra.whenBroken ?? "throw new RetriableError('target down');"} }
          if (typeof record.value !== 'object') await ctx.report(record, new Error('not an object'));
          else target.stored.set(record.partition + '/' + record.offset, JSON.stringify(record.value));
        }
      },
      async flush() {},
      async close() { ${extra.close ?? ''} },
    };
  },
});
describeSinkContract({
  connector,
  invalidConfigs: [{ config: {}, field: 'label' }],
  fixture: async () => {
    target.stored.clear();
    target.broken = false;
    fs.appendFileSync(${JSON.stringify(path.join(dir, 'fixtures.log'))}, 'created\\n');
    return {
      config: { label: 'x' },
      read: async () => [...target.stored.values()].sort(),
      expected: (records) => records.map((record) => JSON.stringify(record.value)).sort(),
      badRecord: (template) => ({ ...template, value: 'text' }),
      breakTarget: async () => void (target.broken = true),
      repairTarget: async () => void (target.broken = false),
      cleanup: async () => void fs.appendFileSync(${JSON.stringify(path.join(dir, 'fixtures.log'))}, 'cleaned\\n'),
    };
  },
});
`;

/** A source whose every other poll fails with a RetriableError. */
const FLAKY_SOURCE = `
const { RetriableError, Type, defineSource, pause } = require('@sluice/sdk');
const { describeSourceContract } = require('@sluice/testkit');
let items = [];
const connector = defineSource({
  name: 'FlakySource', version: '0.0.1', description: 'test', config: Type.Object({ label: Type.String() }),
  async createTask(config, ctx) {
    const stored = await ctx.offsetOf({ p: 0 });
    let next = stored ? stored.next : 0;
    let calls = 0;
    return {
      async poll() {
        if (++calls % 2 === 0) throw new RetriableError('busy, try again');
        const batch = items.slice(next, next + 3).map((id, i) => ({
          sourcePartition: { p: 0 }, sourceOffset: { next: next + i + 1 }, topic: 't', key: id, value: { id },
        }));
        next += batch.length;
        if (batch.length === 0) await pause(20, ctx.signal);
        return batch;
      },
      async close() {},
    };
  },
});
describeSourceContract({
  connector,
  invalidConfigs: [{ config: {}, field: 'label' }],
  fixture: async () => {
    items = [];
    return {
      config: { label: 'x' },
      write: async (count) => {
        const ids = Array.from({ length: count }, () => 'item-' + items.length + '-' + Math.random());
        for (const id of ids) items.push(id);
        return ids;
      },
      identify: (record) => record.key,
      cleanup: async () => {},
    };
  },
});
`;

interface Outcome {
  readonly status: number | null;
  readonly seconds: number;
  readonly tests: Record<string, { status: string; message: string }>;
  /** Why a test file could not run at all ('' when it ran). */
  readonly suiteFailure: string;
}

/** Runs one test file in its own jest process, as an author's `npm test` would, and reads its JSON report. */
function runJest(name: string, source: string): Outcome {
  for (const pkg of ['sdk', 'testkit']) {
    if (!fs.existsSync(built(pkg))) throw new Error(`${built(pkg)} is missing: run \`npx tsc -b\` first`);
  }
  const testDir = path.join(dir, name);
  fs.mkdirSync(testDir);
  fs.writeFileSync(path.join(testDir, `${name}.test.js`), source);
  const config = {
    rootDir: testDir,
    testEnvironment: 'node',
    transform: {},
    moduleNameMapper: {
      '^@sluice/sdk$': built('sdk'),
      '^@sluice/testkit$': built('testkit'),
      // as for an author who never installed the optional container support
      '^(testcontainers|@testcontainers/.*)$': path.join(dir, 'testcontainers-is-not-installed'),
    },
  };
  const report = path.join(testDir, 'report.json');
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [path.join(repo, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', JSON.stringify(config), '--json'],
    { cwd: testDir, encoding: 'utf8', timeout: 90_000, env: { ...process.env, FORCE_COLOR: '0' }, stdio: 'pipe' },
  );
  fs.writeFileSync(report, run.stdout);
  const parsed = JSON.parse(run.stdout || '{"testResults": []}') as {
    testResults: {
      message: string;
      assertionResults: { title: string; status: string; failureMessages: string[] }[];
    }[];
  };
  const tests = Object.fromEntries(
    parsed.testResults
      .flatMap((file) => file.assertionResults)
      .map((test) => [test.title, { status: test.status, message: test.failureMessages.join('\n') }]),
  );
  const suiteFailure = parsed.testResults
    .filter((file) => file.assertionResults.length === 0)
    .map((file) => file.message)
    .join('\n');
  return {
    status: run.status,
    seconds: (Date.now() - started) / 1000,
    tests,
    suiteFailure: suiteFailure || run.stderr.slice(0, 2000),
  };
}

const statuses = (outcome: Outcome) =>
  Object.fromEntries(Object.entries(outcome.tests).map(([title, test]) => [title, test.status]));

describe('the sink contract suite', () => {
  it('passes a sink that writes in put and throws RetriableError from put while the target is down', () => {
    const outcome = runJest('put-writer', SINK({}));
    expect(outcome.suiteFailure).not.toMatch(/Test suite failed to run/);
    expect(statuses(outcome)).toEqual({
      'rejects a bad config, naming label': 'passed',
      'makes every record durable in the target by flush': 'passed',
      'leaves the target unchanged when records are delivered again': 'passed',
      'retries a failing target as the runtime does (put or flush again), and loses nothing': 'passed',
      'reports a bad record and writes the rest': 'passed',
      'releases every resource on close': 'passed',
    });
    expect(outcome.status).toBe(0);
  }, 120_000);

  it('fails a sink that drops records while the target is down, saying why', () => {
    const outcome = runJest('swallower', SINK({ whenBroken: 'continue;' }));
    const retry = outcome.tests['retries a failing target as the runtime does (put or flush again), and loses nothing'];
    expect(retry?.status).toBe('failed');
    expect(retry?.message).toMatch(/put and flush both succeeded while the target was broken/);
  }, 120_000);

  it('names the handles a task leaves open (server, socket, interval), cleans every fixture up, and lets jest exit', () => {
    fs.rmSync(path.join(dir, 'fixtures.log'), { force: true });
    const leaky = SINK({
      createTask: `const server = net.createServer().listen(0, '127.0.0.1');
        await new Promise((resolve) => server.once('listening', resolve));
        const socket = net.connect(server.address().port, '127.0.0.1');
        await new Promise((resolve) => socket.once('connect', resolve));
        setInterval(() => undefined, 1000);`,
    });
    const outcome = runJest('leaky', leaky);
    const leak = outcome.tests['releases every resource on close'];
    expect(leak?.status).toBe('failed');
    expect(leak?.message).toMatch(/createTask, put, flush and close left open: .*TCPServerWrap/);
    expect(leak?.message).toMatch(/left open: .*Timeout/);
    expect(leak?.message).toMatch(/Socket 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+/);
    expect(outcome.status).toBe(1); // exited on its own: failed, not killed
    expect(outcome.seconds).toBeLessThan(60);
    const log = fs.readFileSync(path.join(dir, 'fixtures.log'), 'utf8').trim().split('\n');
    expect(log.filter((line) => line === 'created').length).toBe(log.filter((line) => line === 'cleaned').length);
  }, 120_000);
});

describe('the source contract suite', () => {
  it('retries a RetriableError from poll as the runtime does', () => {
    const outcome = runJest('flaky-source', FLAKY_SOURCE);
    expect(Object.values(statuses(outcome))).not.toContain('failed');
    expect(Object.keys(outcome.tests)).toHaveLength(6);
    expect(outcome.status).toBe(0);
  }, 120_000);
});

describe("the testkit's container support", () => {
  it('is an optional peer dependency: installing the testkit for the suites never installs testcontainers', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'packages', 'testkit', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    for (const name of CONTAINER_PACKAGES) {
      expect(manifest.dependencies[name]).toBeUndefined();
      expect(manifest.peerDependencies[name]).toBeDefined();
      expect(manifest.peerDependenciesMeta[name]).toEqual({ optional: true });
    }
  });
});
