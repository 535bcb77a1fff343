import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectWorker } from '@sluice/testkit';
import { installConnectPythonClient, requireService, startConnectWorker } from '@sluice/testkit';
import type { WorkerProcess } from '@sluice/worker';
import { startWorkerProcess } from '@sluice/worker';
import { connectRestClient, pythonClient, runClient } from './connect-parity/client-run';
import type { Difference } from './connect-parity/compare';
import { describeDifference, globMatches } from './connect-parity/compare';
import { DECLARED, NATURAL_VALUES } from './connect-parity/differences';
import type { Side } from './connect-parity/run-sequence';
import { runSequence } from './connect-parity/run-sequence';
import { LINES } from './connect-parity/steps';
import { lifecycleSteps } from './connect-parity/steps-lifecycle';
import { offsetSteps } from './connect-parity/steps-offsets';
import { workerSteps } from './connect-parity/steps-worker';

// Issue 15's differential test: one request sequence against a real Apache Kafka Connect 4.1
// worker (distributed mode, its own group on the test broker, FileStream connectors from its
// plugin.path) and a real sluice-worker process on the same broker. Statuses, Location headers,
// body shapes and deterministic values must agree, but for the differences declared (with their
// reasons) in connect-parity/differences.ts; a new difference, or a declared one that no longer
// occurs, fails the test. SLUICE_PARITY_REPORT=<file> writes every difference and answer there.
// The second test drives both with kafka-connect-py, a published Connect client (PyPI); the third
// with Apache Kafka's own RestClient (connect-runtime) for the offsets calls kafka-connect-py lacks.
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const run = Date.now().toString(36);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-'));

function sideDir(name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'src.txt'), LINES);
  fs.writeFileSync(path.join(dir, 'feed.txt'), LINES);
  return dir;
}

/** Which declared entry covers a difference, if any. */
export function declaredFor(difference: Difference) {
  return DECLARED.find(
    (entry) =>
      globMatches(entry.step, difference.step) &&
      globMatches(entry.path, difference.path) &&
      (entry.connect === undefined || globMatches(entry.connect, difference.connect)) &&
      (entry.sluice === undefined || globMatches(entry.sluice, difference.sluice)),
  );
}

/** Fails on differences not declared, and on declared ones (of these steps) that did not occur. */
function expectOnlyDeclared(differences: Difference[], steps: (step: string) => boolean): void {
  const undeclared = differences.filter((difference) => !declaredFor(difference));
  const stale = DECLARED.filter(
    (entry) => steps(entry.step) && !differences.some((difference) => declaredFor(difference) === entry),
  );
  expect(undeclared.map(describeDifference)).toEqual([]);
  expect(stale.map((entry) => `${entry.step} ${entry.path} (${entry.status}): no longer differs`)).toEqual([]);
}

const ignoreValues = NATURAL_VALUES.map((value) => value.path);

/** SLUICE_PARITY_REPORT=<file>: every difference found (declared or not) and every answer, for reading. */
function report(what: string, differences: Difference[], answers: unknown[]): void {
  const file = process.env.SLUICE_PARITY_REPORT;
  if (!file) return;
  const lines = differences.map((d) => `${declaredFor(d)?.status ?? 'UNDECLARED'}\t${describeDifference(d)}`);
  fs.writeFileSync(`${file}.${what}`, `${lines.join('\n')}\n\n${JSON.stringify(answers, null, 1)}\n`);
}

describe('REST parity with Apache Kafka Connect 4.1 (distributed, same broker)', () => {
  let connect: ConnectWorker | undefined;
  let sluice: WorkerProcess | undefined;
  const sides = () => {
    if (!connect || !sluice) throw new Error('a side did not start');
    return { connect: connect.url, sluice: sluice.url };
  };

  beforeAll(async () => {
    const kafka = requireService('kafka');
    // one after the other: started together, both could pick the same free port
    connect = await startConnectWorker({
      repoRoot,
      bootstrapServers: kafka,
      workerProps: { 'offset.flush.interval.ms': '1000' },
    });
    sluice = await startWorkerProcess({
      stateDir: path.join(root, 'sluice-state'),
      bootstrapServers: kafka,
      connectors: {},
      // root at INFO, as the Connect worker's log4j configuration
      settings: { offsetFlushIntervalMs: 1000, logLevel: 'info' },
    });
    process.stderr.write(`Kafka Connect ${connect.version} ready in ${connect.startedInMs} ms (${connect.logFile})\n`);
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled([connect?.stop(), sluice?.stop()]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers the sequence as Connect does, but for the declared differences', async () => {
    const urls = sides();
    const connectSide: Side = { url: urls.connect, prefix: `pc${run}`, dir: sideDir('connect') };
    const sluiceSide: Side = { url: urls.sluice, prefix: `ps${run}`, dir: sideDir('sluice') };
    const actions = [...workerSteps, ...lifecycleSteps, ...offsetSteps];
    const { differences, answers } = await runSequence(actions, connectSide, sluiceSide, { ignoreValues });
    report('sequence', differences, answers);
    expectOnlyDeclared(differences, (step) => !/^(client|restclient) /.test(step));
  }, 900_000);

  it('gives a published Connect client (kafka-connect-py) the same results as Connect', async () => {
    const python = installConnectPythonClient(repoRoot);
    const urls = sides();
    const dirs = [sideDir('connect-client'), sideDir('sluice-client')];
    for (const dir of dirs) fs.writeFileSync(path.join(dir, 'client.txt'), LINES);
    const connectSide: Side = { url: urls.connect, prefix: `kc${run}`, dir: dirs[0] ?? '' };
    const sluiceSide: Side = { url: urls.sluice, prefix: `ks${run}`, dir: dirs[1] ?? '' };
    const differences = await runClient(pythonClient(python), 'client', connectSide, sluiceSide, { ignoreValues });
    report('client', differences, []);
    expectOnlyDeclared(differences, (step) => step.startsWith('client '));
  }, 300_000);

  it("gives Connect's own REST client (offsets, into Connect's entity classes) the same results", async () => {
    if (!connect) throw new Error('Connect did not start');
    const urls = sides();
    const driver = connectRestClient(connect.java, connect.classpath, fs.mkdtempSync(path.join(root, 'classes-')));
    const dirs = [sideDir('connect-restclient'), sideDir('sluice-restclient')];
    for (const dir of dirs) fs.writeFileSync(path.join(dir, 'client.txt'), LINES);
    const connectSide: Side = { url: urls.connect, prefix: `rc${run}`, dir: dirs[0] ?? '' };
    const sluiceSide: Side = { url: urls.sluice, prefix: `rs${run}`, dir: dirs[1] ?? '' };
    const differences = await runClient(driver, 'restclient', connectSide, sluiceSide, { ignoreValues });
    report('restclient', differences, []);
    expectOnlyDeclared(differences, (step) => step.startsWith('restclient '));
  }, 300_000);
});
