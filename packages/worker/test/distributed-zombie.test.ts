import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkerProcess } from '@sluice/worker';
import { clusterFormed, keepLogs, startClusterWorker, workersState } from './cluster-workers';
import { filePipe } from './file-pipes';
import { restClient, until } from './rest-client';

// A zombie: the worker running a sink is frozen (SIGSTOP) past the session timeout, so the
// cluster moves its tasks while it still believes it runs them; then it wakes (SIGCONT). It
// must notice it lost its slots and stop its tasks promptly, and the target must still equal
// the source: nothing lost, nothing written twice. Offset commits it makes after waking, if any,
// are refused by the sink group (it is no longer a member); the test counts them from its log.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zombie-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const run = randomUUID().slice(0, 8);
const workers: WorkerProcess[] = [];
const pipe = filePipe('zombie', 0, run, dir);

const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
const call = (worker: WorkerProcess) => restClient(() => worker.url);
const idOf = (worker: WorkerProcess) => new URL(worker.url).host;
let written = 0;
function write(count: number): void {
  fs.appendFileSync(pipe.input, Array.from({ length: count }, (_, i) => `seq ${written + i}\n`).join(''));
  written += count;
}

const startWorker = (index: number) => startClusterWorker(dir, index, `zombie-${run}`);

/** For a failed wait: what the target and the sink's written state hold, the statuses, each worker's last output. */
async function explain(): Promise<string> {
  const state = `${pipe.output}.sluice-state.json`;
  const any = call(workers.find((w) => w.child.signalCode === null) as WorkerProcess);
  const statuses = await Promise.all(
    [pipe.source, pipe.sink].map(async (name) => (await any('GET', `/connectors/${name}/status`)).text),
  );
  return [
    `input ${lines(pipe.input).length} lines, output ${lines(pipe.output).length}: ${lines(pipe.output).slice(-3).join(' | ')}`,
    `sink state: ${fs.existsSync(state) ? fs.readFileSync(state, 'utf8') : 'none'}`,
    ...statuses,
    workersState(workers),
  ].join('\n');
}

beforeAll(async () => {
  workers.push(await startWorker(1));
  workers.push(...(await Promise.all([2, 3].map(startWorker))));
  await clusterFormed(workers);
}, 180_000);
afterAll(async () => {
  keepLogs('zombie', workers);
  for (const worker of workers) worker.child.kill('SIGCONT');
  await Promise.all(workers.map((worker) => worker.kill()));
});

it('fences a frozen worker: its tasks move, it stops them when it wakes, the target stays exact', async () => {
  write(50);
  const any = call(workers[0] as WorkerProcess);
  await until(async () => (await any('PUT', `/connectors/${pipe.source}/config`, pipe.sourceConfig)).statusCode < 300);
  await until(async () => (await any('PUT', `/connectors/${pipe.sink}/config`, pipe.sinkConfig)).statusCode < 300);
  await until(async () => lines(pipe.output).length === 50, 60_000);
  const view = (await any('GET', '/sluice/cluster')).json() as {
    leader: string;
    workers: { id: string; tasks: string[] }[];
  };
  const runner = view.workers.find((w) => w.tasks.includes(`${pipe.sink}/0`))?.id;
  const zombie = workers.find((w) => idOf(w) === runner) as WorkerProcess;
  const others = workers.filter((w) => w !== zombie);
  const survivor = call(others[0] as WorkerProcess);

  const frozenAt = Date.now();
  zombie.child.kill('SIGSTOP');
  write(50);
  await until(async () => {
    const status = (await survivor('GET', `/connectors/${pipe.sink}/status`)).json();
    return status.tasks?.[0]?.state === 'RUNNING' && others.map(idOf).includes(status.tasks[0].worker_id);
  }, 60_000);
  await until(async () => lines(pipe.output).length >= 100, 60_000, explain);
  console.log(`frozen worker's sink RUNNING elsewhere and lines flowing after ${Date.now() - frozenAt} ms`);

  const wokenAt = Date.now();
  zombie.child.kill('SIGCONT');
  await until(async () => zombie.output().includes('lost slots to the cluster'), 30_000);
  console.log(`the woken worker gave its slots up after ${Date.now() - wokenAt} ms`);
  write(50);
  await until(async () => lines(pipe.output).length >= 150, 60_000, explain);
  await new Promise((resolve) => setTimeout(resolve, 3000)); // a late write by the zombie would show now
  expect(lines(pipe.output)).toEqual(lines(pipe.input)); // nothing lost, nothing twice, in order
  const refused = zombie.output().match(/offset commit failed[^\n]*/g) ?? [];
  console.log(`the woken worker's offset commits refused: ${refused.length}\n${refused.slice(0, 2).join('\n')}`);
}, 300_000);
