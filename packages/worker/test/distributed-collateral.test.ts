import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkerProcess } from '@sluice/worker';
import { clusterFormed, startClusterWorker } from './cluster-workers';
import { filePipe } from './file-pipes';
import { restClient, until } from './rest-client';

// No collateral restarts: a second connector pair is created, reconfigured and deleted on a
// three-worker cluster while the first pair carries traffic. The first pair's tasks must never
// stop or restart: they stay on the same worker, and their records-in counters (which count
// from a task's start, so a restart resets them) never go down; its lines keep arriving, in
// order, none missing.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collateral-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const run = randomUUID().slice(0, 8);
const workers: WorkerProcess[] = [];
const first = filePipe('collateral', 0, run, dir);
const second = filePipe('collateral', 1, run, dir);

const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
const call = (worker: WorkerProcess) => restClient(() => worker.url);
const any = () => call(workers[0] as WorkerProcess);

const startWorker = (index: number) => startClusterWorker(dir, index, `collateral-${run}`);

/** Where each task of the first pair runs, and its records-in counter there (from /metrics). */
async function firstPairTasks(): Promise<Map<string, { worker: string; recordsIn: number }>> {
  const seen = new Map<string, { worker: string; recordsIn: number }>();
  for (const worker of workers) {
    const metrics = (await call(worker)('GET', '/metrics')).text;
    for (const name of [first.source, first.sink]) {
      const line = metrics.split('\n').find((l) => l.startsWith(`sluice_task_records_in_total{connector="${name}",`));
      if (line) seen.set(name, { worker: new URL(worker.url).host, recordsIn: Number(line.split(' ').pop()) });
    }
  }
  return seen;
}

let written = 0;
function writeFirst(count: number): void {
  fs.appendFileSync(first.input, Array.from({ length: count }, (_, i) => `seq ${written + i}\n`).join(''));
  written += count;
}

beforeAll(async () => {
  workers.push(await startWorker(1)); // the first creates the internal topics
  workers.push(...(await Promise.all([2, 3].map(startWorker))));
  await clusterFormed(workers);
}, 180_000);
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill()));
});

describe('no collateral restarts (three real sluice-worker processes)', () => {
  it('shows the Kafka cluster id and the cluster figures', async () => {
    const root = (await any()('GET', '/')).json();
    expect(root.kafka_cluster_id).toMatch(/^[A-Za-z0-9_-]{10,}$/);
    const metrics = (await any()('GET', '/metrics')).text;
    expect(metrics).toMatch(/^sluice_cluster_rebalances_total [1-9]\d*$/m);
    expect(metrics).toMatch(/^sluice_cluster_failovers_total \d+$/m);
  }, 60_000);

  it('creates, updates and deletes a second connector pair without stopping the first', async () => {
    writeFirst(50);
    await until(
      async () => (await any()('PUT', `/connectors/${first.source}/config`, first.sourceConfig)).statusCode < 300,
    );
    await until(
      async () => (await any()('PUT', `/connectors/${first.sink}/config`, first.sinkConfig)).statusCode < 300,
    );
    await until(async () => lines(first.output).length === written, 60_000);
    await until(async () => (await firstPairTasks()).size === 2, 30_000);
    const placed = await firstPairTasks();

    // traffic on the first pair all along; every sample checks its tasks did not move or restart
    const samples: string[] = [];
    let last = placed;
    const traffic = setInterval(() => writeFirst(5), 200);
    const watch = async () => {
      const now = await firstPairTasks();
      for (const [name, before] of last) {
        const after = now.get(name);
        samples.push(`${name}: ${before.worker}/${before.recordsIn} -> ${after?.worker}/${after?.recordsIn}`);
        expect(after?.worker).toBe(placed.get(name)?.worker);
        expect(after?.recordsIn).toBeGreaterThanOrEqual(before.recordsIn);
      }
      last = now;
    };
    const gaps: number[] = [];
    let grown = { at: Date.now(), count: lines(first.output).length };
    const step = async (what: () => Promise<boolean>) => {
      await until(async () => {
        await watch();
        const count = lines(first.output).length;
        if (count > grown.count) {
          gaps.push(Date.now() - grown.at);
          grown = { at: Date.now(), count };
        }
        return what();
      }, 90_000);
    };
    const runningOnce = async (name: string) =>
      (await any()('GET', `/connectors/${name}/status`)).json().tasks?.[0]?.state === 'RUNNING';
    try {
      fs.writeFileSync(second.input, 'other 0\nother 1\n');
      const put = (name: string, config: object) => async () =>
        (await any()('PUT', `/connectors/${name}/config`, config)).statusCode < 300;
      await step(put(second.source, second.sourceConfig));
      await step(put(second.sink, second.sinkConfig));
      await step(async () => lines(second.output).length === 2 && (await runningOnce(second.sink)));
      // an update: the source's tasks change (another file), so only they restart
      const moved = path.join(dir, 'in-1b.txt');
      fs.writeFileSync(moved, 'other 2\n');
      await step(put(second.source, { ...second.sourceConfig, file: moved }));
      await step(async () => lines(second.output).length === 3);
      for (const name of [second.source, second.sink])
        await step(async () => (await any()('DELETE', `/connectors/${name}`)).statusCode === 204);
      await step(async () => (await any()('GET', '/connectors')).json().length === 2);
    } finally {
      clearInterval(traffic);
    }
    await until(async () => lines(first.output).length === written, 60_000);
    await watch();
    console.log(
      `first pair during the changes: ${samples.length} samples, longest wait for new lines ${Math.max(...gaps)} ms`,
    );
    expect(lines(first.output)).toEqual(lines(first.input)); // in order, none missing, none repeated
    expect(Math.max(...gaps)).toBeLessThan(10_000); // records kept flowing (a flush every second)
  }, 300_000);

  it('changes a source’s offsets once its task has stopped on whichever worker ran it', async () => {
    // asked right after the stop: the leader waits for the task's release row, wherever it ran,
    // so the stopping task's last offset commit cannot land after (and undo) the change
    expect((await any()('PUT', `/connectors/${first.source}/stop`)).statusCode).toBe(204);
    const offsets = [{ partition: { filename: first.input }, offset: { position: 0 } }];
    const altered = await any()('PATCH', `/connectors/${first.source}/offsets`, { offsets });
    expect([altered.statusCode, altered.text]).toEqual([200, expect.stringMatching(/altered successfully/)]);
    await new Promise((resolve) => setTimeout(resolve, 2000)); // a late commit would show now
    expect((await any()('GET', `/connectors/${first.source}/offsets`)).json().offsets).toEqual(offsets);
  }, 60_000);
});
