import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KafkaLog, kafkaClientSettings } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';
import type { WorkerProcess } from '@sluice/worker';
import { startClusterWorker, workersState } from './cluster-workers';
import { restClient, until } from './rest-client';
import { SEQUENCE_PLUGINS, checkSequences, sequencePipe } from './sequence-pipe';

// In the spirit of Kafka's own connect_distributed_test bounce test: a source and a sink
// connector with three tasks each carry sequence-numbered records while every worker of three
// is restarted in turn, rounds with SIGTERM and rounds with SIGKILL. Nothing may be missing,
// each key's records arrive in order, the target equals the source, and records repeat only
// after a SIGKILL (expectNoRepeats); then paused and stopped states and configs survive a full
// cluster restart.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bounce-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const run = randomUUID().slice(0, 8);
const ROUNDS = Number(process.env.SLUICE_BOUNCE_ROUNDS ?? 3); // per signal, as the issue asks
const workers: (WorkerProcess | undefined)[] = [];
const ports: number[] = [];

const pipe = sequencePipe('bounce', run, dir, 3);
const writeMore = (count: number) => pipe.more(count);
const connectors = [pipe.source, pipe.sink];

/** Every earlier process's output, per worker index (SLUICE_KEEP_LOGS keeps them all). */
const earlier: string[] = [];
async function start(index: number): Promise<WorkerProcess> {
  const previous = workers[index];
  if (previous) earlier[index] = `${earlier[index] ?? ''}${previous.output()}\n--- restarted\n`;
  const worker = await startClusterWorker(dir, index, `bounce-${run}`, ports[index], {
    pluginPath: [SEQUENCE_PLUGINS],
  });
  ports[index] = Number(new URL(worker.url).port);
  workers[index] = worker;
  return worker;
}

/** What each worker printed last, for a failure's message. */
const tails = () => workersState(workers, 3000);
/** Retries a write until it is accepted; a timeout names the last answer and the workers' output. */
async function accepted(method: 'PUT' | 'POST', url: string, body?: unknown, timeoutMs = 60_000): Promise<void> {
  let last = 'no answer';
  await until(
    async () => {
      const answer = await call(method, url, body).catch((error: Error) => ({ statusCode: 0, text: error.message }));
      last = `${answer.statusCode} ${answer.text}`;
      return answer.statusCode < 300;
    },
    timeoutMs,
    () => `${method} ${url} last answered ${last}\n${tails()}`,
  );
}

/** Where a round's time goes: each step's duration, printed at the end. */
const timings: string[] = [];
async function timed<T>(what: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await step();
  timings.push(`${what} ${Date.now() - started} ms (from ${new Date(started).toISOString().slice(11, 23)})`);
  if (process.env.SLUICE_BOUNCE_TRACE === '1') console.log(timings.at(-1));
  return result;
}

const anyWorker = () => workers.find((w) => w && w.child.exitCode === null && w.child.signalCode === null);
const call = (method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown) =>
  restClient(() => (anyWorker() as WorkerProcess).url)(method, url, body);

/** Set once a worker was SIGKILLed: a source's unstored tail may then be produced twice. */
let killed = false;
const statuses = async () =>
  (await Promise.all(connectors.map(async (name) => (await call('GET', `/connectors/${name}/status`)).text))).join(
    '\n',
  );

/** Waits until the target holds every record; then it must hold nothing else, in order per key. */
async function settled(): Promise<void> {
  const check = () => checkSequences(pipe.target(), pipe.tasks, pipe.count());
  await until(async () => check().missing === 0, 180_000).catch(async (error) => {
    const seen = JSON.stringify(check());
    throw new Error(`${(error as Error).message}; target ${seen}\n${await statuses()}\n${tails()}`);
  });
  const { foreign, outOfOrder, repeats } = check();
  expect({ foreign, outOfOrder }).toEqual({ foreign: 0, outOfOrder: 0 });
  if (repeats > 0 && !killed) await explainRepeats();
  // the sink writes on flush, before its offsets are committed: a repeat in the target comes from
  // a sink or a source that did not stop cleanly, which only a SIGKILL may cause
  expectNoRepeats(repeats, 'the target');
}

/** Says whether repeats in the target were sent twice (source side) or delivered twice (sink side), and which. */
async function explainRepeats(): Promise<void> {
  const topic = checkSequences(await topicValues(pipe.topic), pipe.tasks, pipe.count());
  const counts = new Map<string, number>();
  for (const line of pipe.target()) counts.set(line, (counts.get(line) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).map(([line]) => line);
  console.log(
    `repeats before any SIGKILL: ${topic.repeats} in topic ${pipe.topic}, ${twice.length} lines twice in the ` +
      `target, e.g. ${twice.slice(0, 12).join(', ')}; last steps:\n${timings.slice(-8).join('\n')}`,
  );
}

/**
 * The bar: no repeats before a SIGKILL (moved tasks are handed over: docs/cluster.md).
 * Repeats after a SIGKILL are counted and printed; SLUICE_BOUNCE_STRICT=0 only prints the others.
 */
function expectNoRepeats(repeats: number, where: string): void {
  if (repeats === 0) return;
  console.log(`${repeats} repeated records in ${where} ${killed ? 'after a SIGKILL' : 'before any SIGKILL'}`);
  if (!killed && process.env.SLUICE_BOUNCE_STRICT !== '0') expect(repeats).toBe(0);
}

/** Every value in a pipe's topic, in order (each sequence number once unless a task was killed). */
async function topicValues(topic: string): Promise<string[]> {
  const values: string[] = [];
  const settings = kafkaClientSettings(requireService('kafka'), `bounce-reader-${run}`);
  const log = new KafkaLog(settings, topic, (record) => values.push(record.value?.toString() ?? ''));
  await log.start();
  await log.stop();
  return values;
}

describe('bounce (three real sluice-worker processes, distributed)', () => {
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker?.kill()));
    const keep = process.env.SLUICE_KEEP_LOGS; // a directory: the workers' last logs are written there
    if (keep)
      for (const [i, w] of workers.entries())
        fs.writeFileSync(path.join(keep, `bounce-w${i}.log`), `${earlier[i] ?? ''}${w?.output() ?? ''}`);
  });

  it('loses nothing while every worker is restarted in turn, with SIGTERM and with SIGKILL', async () => {
    for (const index of [0, 1, 2]) await timed(`start w${index}`, () => start(index));
    // the cluster has formed (every worker holds slots) before the connectors are created
    await timed('cluster formed', () =>
      until(
        async () => {
          const view = (await call('GET', '/sluice/cluster')).json();
          return view.leader !== null && view.workers.length === 3;
        },
        60_000,
        tails,
      ),
    );
    writeMore(200);
    await accepted('PUT', `/connectors/${pipe.source}/config`, pipe.sourceConfig);
    await accepted('PUT', `/connectors/${pipe.sink}/config`, pipe.sinkConfig);
    await settled();
    // three tasks each, spread over the workers (placement balances a connector's tasks first)
    for (const name of connectors) {
      const { tasks } = (await call('GET', `/connectors/${name}/status`)).json() as { tasks: { worker_id: string }[] };
      expect(new Set(tasks.map((task) => task.worker_id)).size).toBe(3);
    }
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      for (let round = 0; round < ROUNDS; round++) {
        for (const index of [0, 1, 2]) {
          writeMore(100);
          const worker = workers[index] as WorkerProcess;
          if (signal === 'SIGTERM') {
            const code = await timed(`${signal} stop w${index}`, () => worker.stop());
            if (code !== 0) console.log(`worker ${index} exited ${code}:\n${worker.output().slice(-4000)}`);
            expect(code).toBe(0);
          } else {
            killed = true;
            await timed(`${signal} kill w${index}`, () => worker.kill());
          }
          writeMore(100);
          await timed(`${signal} start w${index}`, () => start(index));
        }
        await timed(`${signal} round ${round} settle`, () => settled());
      }
      if (signal === 'SIGTERM') {
        // graceful stops and hand-overs: every source stored what Kafka acknowledged, so nothing was sent twice
        const topic = checkSequences(await topicValues(pipe.topic), pipe.tasks, pipe.count());
        expect({ ...topic, repeats: 0 }).toEqual({ missing: 0, foreign: 0, outOfOrder: 0, repeats: 0 });
        expectNoRepeats(topic.repeats, `topic ${pipe.topic}`);
      }
    }
    const again = checkSequences(await topicValues(pipe.topic), pipe.tasks, pipe.count()).repeats;
    console.log(`records sent twice after the SIGKILL rounds: ${again} of ${pipe.tasks * pipe.count()}`);
    console.log(`bounce timings:\n${timings.join('\n')}`);
  }, 600_000);

  it('keeps configs, paused and stopped states through a full cluster restart', async () => {
    // right after a bounce the leader may still be taking over: 409 means retry, as in Connect
    await accepted('PUT', `/connectors/${pipe.sink}/pause`, undefined, 90_000);
    await accepted('PUT', `/connectors/${pipe.source}/stop`, undefined, 90_000);
    await Promise.all(workers.map((worker) => worker?.stop()));
    for (const index of [0, 1, 2]) {
      const worker = await start(index);
      // a worker that has not read the config topic yet answers 503, never a partial list
      const early = await restClient(() => worker.url)('GET', '/connectors');
      const answer = early.statusCode === 503 ? 'starting' : [early.statusCode, (early.json() as string[]).sort()];
      expect(['starting', [200, [...connectors].sort()]]).toContainEqual(answer);
    }
    await until(async () => (await call('GET', '/sluice/cluster')).json().leader !== null, 60_000, tails);
    // a worker answers reads from what it has read of the config topic: wait until all have
    const ready = async (w: WorkerProcess | undefined) => (await fetch(`${w?.url}/ready`)).status === 200;
    await until(async () => (await Promise.all(workers.map(ready))).every(Boolean), 60_000, tails);
    const names = (await call('GET', '/connectors')).json() as string[];
    expect(names.sort()).toEqual([...connectors].sort());
    expect((await call('GET', `/connectors/${pipe.sink}/status`)).json().connector.state).toBe('PAUSED');
    expect((await call('GET', `/connectors/${pipe.source}/status`)).json()).toMatchObject({
      connector: { state: 'STOPPED' },
      tasks: [],
    });
    // both resume where they were: the records emitted meanwhile arrive, nothing else
    writeMore(50);
    await accepted('PUT', `/connectors/${pipe.source}/resume`, undefined, 90_000);
    await accepted('PUT', `/connectors/${pipe.sink}/resume`, undefined, 90_000);
    await settled();
  }, 240_000);
});
