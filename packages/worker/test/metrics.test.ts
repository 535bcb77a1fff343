import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Type, defineSink } from '@sluice/sdk';
import { ConnectorCatalog, KafkaProducer, kafkaClientSettings } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';
import { startWorkerProcess } from '@sluice/worker';
import { until } from './rest-client';
import { testWorker } from './test-worker';

// GET /metrics: connector and task states as series (a FAILED task visible), cumulative figures
// typed as counters, and process figures right on the very first scrape of a real worker.
const sink = (name: string, fail: boolean) =>
  defineSink({
    name,
    version: '0.0.1',
    description: fail ? 'Cannot start.' : 'Takes everything.',
    config: Type.Object({}),
    async createTask() {
      if (fail) throw new Error('the target is unreachable');
      return { put: async () => undefined, flush: async () => undefined, close: async () => undefined };
    },
  });
/** A sink that reports every record acknowledged as soon as it is put. */
const ackingSink = defineSink({
  name: 'AckingSink',
  version: '0.0.1',
  description: 'Acknowledges everything at once.',
  config: Type.Object({}),
  async createTask(_config, ctx) {
    return {
      put: async (records) => ctx.acknowledged?.(records),
      flush: async () => undefined,
      close: async () => undefined,
    };
  },
});
const { call } = testWorker({
  name: 'metrics',
  catalog: new ConnectorCatalog([
    { packageName: 'failing-sink', connector: sink('FailingSink', true) },
    { packageName: 'quiet-sink', connector: sink('QuietSink', false) },
    { packageName: 'acking-sink', connector: ackingSink },
  ]),
});
const id = randomUUID().slice(0, 8);

/** The value of one sample, by its name and labels as written; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
const typeOf = (text: string, name: string) => new RegExp(`^# TYPE ${name} (\\w+)$`, 'm').exec(text)?.[1];

describe('/metrics', () => {
  it('counts connectors and their tasks by state, a FAILED task included', async () => {
    const failing = `failing-${id}`;
    const quiet = `quiet-${id}`;
    for (const [name, connectorClass] of [
      [failing, 'FailingSink'],
      [quiet, 'QuietSink'],
    ])
      expect(
        (
          await call('POST', '/connectors', {
            name,
            config: { 'connector.class': connectorClass, topics: `m-${id}`, 'tasks.max': '2' },
          })
        ).statusCode,
      ).toBe(201);
    const tasksIn = async (name: string, state: string) =>
      (await call('GET', `/connectors/${name}/status`)).json().tasks.filter((t: { state: string }) => t.state === state)
        .length;
    await until(async () => (await tasksIn(failing, 'FAILED')) === 2 && (await tasksIn(quiet, 'RUNNING')) === 2);
    expect((await call('PUT', `/connectors/${quiet}/pause`)).statusCode).toBe(202);
    await until(async () => (await tasksIn(quiet, 'PAUSED')) === 2);

    const text = (await call('GET', '/metrics')).text;
    expect(typeOf(text, 'sluice_connector_tasks')).toBe('gauge');
    for (const [state, count] of Object.entries({ FAILED: 2, RUNNING: 0, PAUSED: 0, UNASSIGNED: 0, RESTARTING: 0 }))
      expect([state, sample(text, `sluice_connector_tasks{connector="${failing}",state="${state}"}`)]).toEqual([
        state,
        count,
      ]);
    expect(sample(text, `sluice_connector_tasks{connector="${quiet}",state="PAUSED"}`)).toBe(2);
    expect(sample(text, `sluice_connector_tasks{connector="${quiet}",state="FAILED"}`)).toBe(0);
    // the failing connector's own instance runs (its tasks failed), as Connect reports it
    const connectorStates = ['RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'UNASSIGNED', 'RESTARTING'].map(
      (state) => [state, sample(text, `sluice_connectors{state="${state}"}`)] as const,
    );
    expect(Object.fromEntries(connectorStates)).toEqual({
      RUNNING: 1,
      PAUSED: 1,
      STOPPED: 0,
      FAILED: 0,
      UNASSIGNED: 0,
      RESTARTING: 0,
    });
  });

  it("publishes a sink's delivery latency (Kafka timestamp → acknowledged) as a Prometheus histogram", async () => {
    const name = `acking-${id}`;
    const topic = `m-ack-${id}`;
    const config = {
      'connector.class': 'AckingSink',
      topics: topic,
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    };
    expect((await call('POST', '/connectors', { name, config })).statusCode).toBe(201);
    const producer = new KafkaProducer(kafkaClientSettings(requireService('kafka'), `metrics-${id}`));
    await producer.connect();
    // one record 40 s old (its timestamp set so), two new ones: the buckets apart leave the
    // delivery (topic creation, the sink's join) 20 s either way on a loaded machine
    const old = Date.now() - 40_000;
    await producer.send([
      { topic, key: null, value: Buffer.from('{}'), timestamp: old },
      { topic, key: null, value: Buffer.from('{}') },
      { topic, key: null, value: Buffer.from('{}') },
    ]);
    await producer.disconnect();
    const series = (suffix: string, le?: string) =>
      `sluice_sink_delivery_latency_seconds_${suffix}{connector="${name}",task="0"${le === undefined ? '' : `,le="${le}"`}}`;
    let text = '';
    await until(async () => {
      text = (await call('GET', '/metrics')).text;
      if (sample(text, series('count')) === 3) return true;
      const status = (await call('GET', `/connectors/${name}/status`)).json();
      if (status.tasks?.[0]?.state === 'FAILED') throw new Error(status.tasks[0].trace);
      return false;
    }, 60_000);
    expect(typeOf(text, 'sluice_sink_delivery_latency_seconds')).toBe('histogram');
    expect(typeOf(text, 'sluice_source_delivery_latency_seconds')).toBe('histogram');
    expect(sample(text, series('bucket', '+Inf'))).toBe(3);
    expect(sample(text, series('bucket', '30'))).toBe(2); // the old record is over 30 s
    expect(sample(text, series('bucket', '60'))).toBe(3);
    expect(sample(text, series('sum'))).toBeGreaterThan(40);
    const buckets = text
      .split('\n')
      .filter((line) => line.startsWith(`sluice_sink_delivery_latency_seconds_bucket{connector="${name}"`))
      .map((line) => Number(line.split(' ').at(-1)));
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b)); // cumulative
  }, 90_000);

  it('types cumulative figures as counters and the others as gauges', async () => {
    const text = (await call('GET', '/metrics')).text;
    for (const name of ['records_in', 'records_out', 'batches', 'call_seconds', 'offset_commits', 'errant_records'])
      expect([name, typeOf(text, `sluice_task_${name}_total`)]).toEqual([name, 'counter']);
    expect(typeOf(text, 'sluice_task_batch_size_max')).toBe('gauge');
    expect(typeOf(text, 'sluice_worker_process_cpu_seconds_total')).toBe('counter');
    // Sluice's own families (prom-client names a few gauges of its own *_total: active handles)
    expect(text).not.toMatch(/^# TYPE sluice_(?!worker_)\S+_total gauge$/m);
  });
});

describe('/metrics of a sluice-worker process', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metrics-bin-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  /** The process's CPU seconds (user + system) as the kernel counts them. */
  const cpuOf = (pid: number) => {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / ticks; // utime, stime (fields 14 and 15)
  };

  it('is right on the first scrape: CPU since the process started, event-loop figures measured', async () => {
    const worker = await startWorkerProcess({
      stateDir: dir,
      bootstrapServers: requireService('kafka'),
      connectors: {},
    });
    try {
      const pid = worker.child.pid ?? 0;
      const before = cpuOf(pid);
      const text = await (await fetch(`${worker.url}/metrics`)).text();
      const after = cpuOf(pid);
      const cpu = sample(text, 'sluice_worker_process_cpu_seconds_total') ?? NaN;
      // starting a worker takes a good part of a CPU-second; a counter begun at the scrape reads ~0
      expect(before).toBeGreaterThan(0.2);
      expect(cpu).toBeGreaterThanOrEqual(before - 0.02);
      expect(cpu).toBeLessThanOrEqual(after + 0.02);
      for (const name of ['mean', 'min', 'max', 'p50', 'p99']) {
        const value = sample(text, `sluice_worker_nodejs_eventloop_lag_${name}_seconds`);
        expect([name, Number.isFinite(value) && (value ?? NaN) > 0 && (value ?? NaN) < 5]).toEqual([name, true]);
      }
      expect(sample(text, 'sluice_worker_nodejs_eventloop_lag_seconds')).toBeGreaterThan(0);
    } finally {
      await worker.stop();
    }
  });
});
