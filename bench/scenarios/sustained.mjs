#!/usr/bin/env node
// Scenario: sustained load. The open-loop writer holds a rate (default 10,000 events/s) for a
// duration (default 300 s) through MongoDB source → Kafka → OpenSearch sink in one sluice-worker.
// Lag is sampled every second: events written but not yet acknowledged by OpenSearch (the sink's
// delivery-latency histogram count in /metrics), and the source's mongodb.lag.ms gauge. Latency is
// sampled on 1 document in 100 (realtime _mget, as pipeline-latency.mjs), so the watcher does not
// load OpenSearch. Standalone: `node bench/scenarios/sustained.mjs [rate=10000] [seconds=300]`
// writes bench/reports/sustained.md; as a module, run(context) returns { markdown, plots }.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  latencyHistogram,
  machine,
  openLoopWriter,
  parsePrometheus,
  percentiles,
  root,
  sleep,
  startPipeline,
  visibilityWatcher,
  harnessScenario,
} from '../lib/pipeline.mjs';
import { cpuTable, cpuWindow } from '../lib/machine-cpu.mjs';

const SAMPLE_EVERY = 100;

/** Records the sink acknowledged so far, and the source's lag gauge, from /metrics. */
async function progress(pipeline) {
  const families = parsePrometheus(await pipeline.metrics());
  const source = (families.sluice_connector_tasks ?? []).find(
    (s) => s.labels.connector.endsWith('-source') && s.labels.state === 'FAILED',
  );
  const sourceState = source?.value ? 'FAILED' : 'RUNNING';
  const acknowledged = (families.sluice_sink_delivery_latency_seconds_count ?? []).reduce((n, s) => n + s.value, 0);
  const lag = (families.sluice_task_connector_gauge ?? []).find((s) => s.labels.name === 'mongodb.lag.ms')?.value;
  return { acknowledged, sourceLagMs: lag ?? 0, sourceState };
}

export async function run(context = {}) {
  const rate = context.rate ?? 10_000;
  const seconds = context.seconds ?? 300;
  const pipeline = await startPipeline({
    name: `sustained${Date.now().toString(36)}`,
    restPort: context.restPort ?? 18_643,
    source: context.source ?? {},
    sink: context.sink ?? {},
  });
  try {
    await pipeline.collection.insertOne({ _id: 'first', n: -1 });
    while ((await progress(pipeline)).acknowledged < 1) await sleep(100);
    const base = (await progress(pipeline)).acknowledged;
    const latency = latencyHistogram();
    const intended = new Map();
    const watcher = visibilityWatcher(pipeline.search, pipeline.index);
    watcher.onVisible = (id, at) => {
      latency.recordValue(Math.max(1, Number(at - intended.get(id)) / 1000));
      intended.delete(id);
    };
    let written = 0;
    const samples = [];
    const started = performance.now();
    const cpuAt = pipeline.cpuSeconds();
    const machineCpu = cpuWindow(pipeline.child.pid);
    let sampling = true;
    let failure;
    const sampler = (async () => {
      while (sampling) {
        await sleep(1000);
        const { acknowledged, sourceLagMs, sourceState } = await progress(pipeline).catch(() => ({
          acknowledged: base,
          sourceLagMs: -1,
          sourceState: 'unreachable',
        }));
        if (sourceState === 'FAILED')
          failure ??= `the source task FAILED at ${((performance.now() - started) / 1000).toFixed(0)} s`;
        const t = (performance.now() - started) / 1000;
        samples.push({
          t,
          written,
          acknowledged: acknowledged - base,
          lag: written - (acknowledged - base),
          sourceLagMs,
        });
      }
    })();
    const { late } = await openLoopWriter({
      collection: pipeline.collection,
      rate,
      seconds,
      onWritten: (id, intendedNs) => {
        written += 1;
        if (written % SAMPLE_EVERY !== 0) return;
        intended.set(id, intendedNs);
        watcher.watch(id);
      },
    });
    const writtenAt = performance.now();
    const processes = machineCpu.end();
    const total = Math.round(rate * seconds);
    let caughtUpMs;
    for (let i = 0; i < 1200 && failure === undefined; i++) {
      if ((await progress(pipeline)).acknowledged - base >= total) {
        caughtUpMs = performance.now() - writtenAt;
        break;
      }
      await sleep(100);
    }
    sampling = false;
    await sampler;
    const missing = await watcher.stop(10_000);
    const cpu = pipeline.cpuSeconds() - cpuAt;
    return report({
      rate,
      seconds,
      total,
      late,
      missing,
      caughtUpMs,
      samples,
      latency: percentiles(latency),
      cpu,
      failure,
      processes,
      writeSeconds: (writtenAt - started) / 1000,
    });
  } finally {
    await pipeline.stop();
  }
}

function report(r) {
  const steady = r.samples.filter((s) => s.t > 10 && s.t < r.seconds);
  const maxLag = Math.max(0, ...steady.map((s) => s.lag));
  const lastThird = steady.slice(Math.floor((steady.length * 2) / 3));
  const firstThird = steady.slice(0, Math.floor(steady.length / 3));
  const mean = (xs) => xs.reduce((a, s) => a + s.lag, 0) / Math.max(1, xs.length);
  const growing = mean(lastThird) > 2 * mean(firstThird) + r.rate;
  const achieved = r.total / r.writeSeconds;
  const held = r.failure === undefined && achieved >= r.rate * 0.95 && r.caughtUpMs !== undefined && !growing;
  const every30 = r.samples.filter((_, i) => i % 30 === 29);
  const markdown = `## Sustained load: ${r.rate.toLocaleString('en-US')} events/s for ${r.seconds} s

Run ${new Date().toISOString()} on ${machine()}.
One standalone sluice-worker (MongoDB source → Kafka → OpenSearch sink, default connector
configs), the local services on the same machine. Open-loop writer; lag = events written − events
the sink's OpenSearch bulks acknowledged (sluice_sink_delivery_latency_seconds_count), sampled
each second; latency sampled on 1 document in ${SAMPLE_EVERY} (realtime _mget − intended time).

**${held ? 'Held' : 'Not held'}**${r.failure ? ` (${r.failure}: see the worker log; with the emulator, a source more than its change-log window behind loses its history)` : ''}: the writer reached ${Math.round(achieved).toLocaleString('en-US')} events/s
(${r.late} writes issued while over 5,000 were outstanding); lag ${growing ? 'grew' : 'stayed bounded'} (max ${maxLag.toLocaleString('en-US')} events after the first 10 s);
the pipeline ${r.caughtUpMs === undefined ? 'had not caught up 120 s after the writer stopped' : `caught up ${(r.caughtUpMs / 1000).toFixed(1)} s after the writer stopped`}.
Sampled latency p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms, p99.9 ${r.latency.p999.toFixed(1)} ms, max ${r.latency.max.toFixed(1)} ms (${r.latency.count} samples, ${r.missing} never seen).
Worker CPU: ${((r.cpu / r.total) * 100_000).toFixed(2)} s per 100k events (${(r.cpu / (r.writeSeconds + (r.caughtUpMs ?? 0) / 1000)).toFixed(2)} cores on average).

Where the machine's CPU went while the writer ran (every process of the pipeline, from /proc;
a total near the core count means the rate is bounded by the machine, not by one process):

${cpuTable(r.processes, Math.round(r.total))}

| t (s) | written | acknowledged by OpenSearch | lag (events) | source lag gauge (ms) |
|---|---|---|---|---|
${every30.map((s) => `| ${s.t.toFixed(0)} | ${s.written} | ${s.acknowledged} | ${s.lag} | ${s.sourceLagMs} |`).join('\n')}
`;
  return { markdown, plots: { lagOverTime: r.samples }, result: { ...r, held, maxLag } };
}

export default harnessScenario({
  name: 'sustained',
  title: 'Sustained load through the pipeline',
  services: ['kafka', 'opensearch', 'mongodb'],
  run: ({ quick }) => run(quick ? { rate: 2000, seconds: 20 } : { rate: 10_000, seconds: 300 }),
  plots: (result, { lines }) => [
    [
      'sustained-lag',
      lines({
        title: 'Events written and not yet acknowledged by OpenSearch',
        points: result.plots.lagOverTime.map((s) => ({ x: s.t, y: s.lag, series: 'lag' })),
        x: 's',
        y: 'events',
      }),
    ],
  ],
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { markdown } = await run({ rate: Number(process.argv[2] ?? 10_000), seconds: Number(process.argv[3] ?? 300) });
  fs.writeFileSync(
    path.join(root, 'bench', 'reports', 'sustained.md'),
    `# Sustained load benchmark\n\n${markdown}\nReproduce: \`npm run services:up\`, \`npx tsc -b\`, then \`node bench/scenarios/sustained.mjs 10000 300\` with KAFKA_BOOTSTRAP_SERVERS, OPENSEARCH_URL and MONGODB_URI set.\n`,
  );
  process.stdout.write(markdown);
  process.exit(0);
}
