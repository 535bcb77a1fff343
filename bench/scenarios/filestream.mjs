// Scenario `filestream`: Connect's FileStream pair, Sluice against Apache Kafka Connect 4.1.x
// standalone on the same broker, both at their defaults (JsonConverter with schemas, batch.size
// 2000, offset.flush.interval.ms 10 s). Per round and system: a fresh worker (start-up time, idle
// RSS), file -> Kafka source of N lines, then Kafka -> file sink of that topic; every round is
// verified (the topic holds exactly N records, the sink's file is byte-identical to the input).
// Rounds alternate which system goes first. Figures are per-round medians.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { groupedBars, lines } from '../lib/plot.mjs';
import { ProcessSampler } from '../lib/sampler.mjs';
import { topicEnd, withAdmin } from '../lib/kafka.mjs';
import { connectSystem, sluiceSystem } from '../lib/workers.mjs';

const RECORDS = { full: Number(process.env.BENCH_FILESTREAM_RECORDS ?? 1_000_000), quick: 100_000 };
const ROUNDS = { full: Number(process.env.BENCH_FILESTREAM_ROUNDS ?? 3), quick: 1 };
/** The sink's timing ends when all but this many bytes are in the file (Connect's last buffer waits for its flush). */
const SINK_TAIL_BYTES = 64 * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const line = (i) =>
  `{"id":${i},"name":"product ${i}","brand":"Acme","price":${(i % 1000) + 0.99},"tags":["bench","sluice"]}`;

function writeInput(file, records) {
  const out = fs.openSync(file, 'w');
  for (let from = 0; from < records; from += 10_000) {
    const to = Math.min(records, from + 10_000);
    fs.writeSync(out, Array.from({ length: to - from }, (_, n) => `${line(from + n)}\n`).join(''));
  }
  fs.closeSync(out);
}

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function until(what, condition, timeoutMs, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}

/** One system's round: worker start, idle, source, sink, verification. */
async function round(system, { admin, input, records, inputBytes, inputHash, work, tag, log }) {
  const topic = `bench-fs-${system.id}-${tag}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
  const worker = await system.start(path.join(work, `${system.id}-${tag}`));
  const sampler = new ProcessSampler(worker.pid);
  try {
    await sleep(3000);
    const idleRss = sampler.series.at(-1).rss;
    sampler.mark('source');
    await worker.create(`src-${tag}`, system.sourceConfig({ file: input, topic }));
    await until('source', async () => (await topicEnd(admin, topic)) >= records, 600_000);
    const source = sampler.close('source');
    await sleep(1000); // a duplicate would land now
    const inTopic = await topicEnd(admin, topic);
    if (inTopic !== records)
      throw new Error(`${system.name} source: ${inTopic} records in ${topic}, expected ${records}`);
    await worker.remove(`src-${tag}`);

    const output = path.join(work, `${system.id}-${tag}.out`);
    sampler.mark('sink');
    await worker.create(`sink-${tag}`, system.sinkConfig({ file: output, topic }));
    const size = () => (fs.existsSync(output) ? fs.statSync(output).size : 0);
    await until('sink', () => size() >= inputBytes - SINK_TAIL_BYTES, 600_000, 50);
    const sink = sampler.close('sink');
    await until('sink final flush', () => size() >= inputBytes, 60_000);
    await sleep(500);
    if (size() !== inputBytes || sha256(output) !== inputHash) {
      throw new Error(`${system.name} sink: ${output} (${size()} bytes) differs from the input (${inputBytes} bytes)`);
    }
    await worker.remove(`sink-${tag}`);
    fs.rmSync(output, { force: true });
    log(
      `${system.name} ${tag}: ready ${worker.readyMs} ms, source ${Math.round(records / source.seconds)}/s, sink ${Math.round(records / sink.seconds)}/s`,
    );
    return { system: system.name, readyMs: worker.readyMs, idleRss, source, sink, series: sampler.series };
  } finally {
    sampler.stop();
    await worker.stop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function summary(results, records) {
  const of = (pick) => median(results.map(pick));
  return {
    sourceRate: of((r) => records / r.source.seconds),
    sinkRate: of((r) => records / r.sink.seconds),
    sourceCpu: of((r) => (r.source.cpuSeconds * 100_000) / records),
    sinkCpu: of((r) => (r.sink.cpuSeconds * 100_000) / records),
    sourcePeak: Math.max(...results.map((r) => r.source.peakRssMiB)),
    sinkPeak: Math.max(...results.map((r) => r.sink.peakRssMiB)),
    idleRss: of((r) => r.idleRss),
    readyMs: of((r) => r.readyMs),
  };
}

export default {
  name: 'filestream',
  title: "Connect's FileStream pair: Sluice vs Apache Kafka Connect",
  services: ['kafka'],
  async run({ section, report, quick, log }) {
    const records = quick ? RECORDS.quick : RECORDS.full;
    const rounds = quick ? ROUNDS.quick : ROUNDS.full;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-filestream-'));
    const input = path.join(work, 'in.jsonl');
    writeInput(input, records);
    const inputBytes = fs.statSync(input).size;
    const inputHash = sha256(input);
    // BENCH_FILESTREAM_SYSTEMS=sluice runs one system only (to profile it): no ratios then
    const only = process.env.BENCH_FILESTREAM_SYSTEMS;
    const systems = [await connectSystem(), sluiceSystem()].filter((s) => !only || only.split(',').includes(s.id));

    for (const s of systems) report.version(s.name, s.describe);
    const results = Object.fromEntries(systems.map((s) => [s.name, []]));
    try {
      await withAdmin(async (admin) => {
        for (let r = 0; r < rounds; r++) {
          const order = r % 2 === 0 ? systems : [...systems].reverse();
          for (const system of order) {
            const tag = `${Date.now().toString(36)}-${r}`;
            results[system.name].push(
              await round(system, { admin, input, records, inputBytes, inputHash, work, tag, log }),
            );
          }
        }
      });
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    await write(section, { systems, results, records, rounds, inputBytes });
  },
};

const KNOBS = [
  'BENCH_FILESTREAM_RECORDS',
  'BENCH_FILESTREAM_ROUNDS',
  'BENCH_FILESTREAM_SYSTEMS',
  'BENCH_CONNECT_HEAP',
  'SLUICE_BENCH_CPU_PROF',
  'SLUICE_BENCH_NODE_FLAGS',
];

async function write(section, { systems, results, records, rounds, inputBytes }) {
  const knobs = KNOBS.filter((name) => process.env[name] !== undefined);
  if (knobs.length > 0)
    section.text(`Set for this run: ${knobs.map((name) => `\`${name}=${process.env[name]}\``).join(', ')}.`);
  if (systems.length < 2) {
    section.text(`${systems.map((s) => s.name).join()} only (BENCH_FILESTREAM_SYSTEMS): no comparison.`);
    section.table(...perRoundTable(systems, results, records));
    section.table(...threadTable(systems, results, records));
    return;
  }
  const [connect, sluice] = systems.map((s) => summary(results[s.name], records));
  const ratio = (a, b) => (a / b).toFixed(2);
  const n = (value, digits = 0) =>
    value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  section.text(`${n(records)} JSON lines of ${Math.round(inputBytes / records)} bytes, ${rounds} round(s), the
order of the two systems alternating per round; each figure is the median over the rounds (peaks: the
highest). Both workers run at their defaults: ${systems.map((s) => s.describe).join('; ')}.
CPU is the worker process's user + system time (every thread: the JVM's JIT and GC, librdkafka's)
from the connector's creation to the end of the timed window. The source's window ends when the
topic's end offset reaches ${n(records)}; the sink's when all but the last ${SINK_TAIL_BYTES / 1024} KiB are in its file (Connect
writes through a buffered stream whose last bytes wait for the next offset flush, up to 10 s). Every
round was verified before it counted: exactly ${n(records)} records in the topic a second after
the source finished, and the sink's file byte-identical to the input.`);
  // [figure, Connect, Sluice, digits, goal: at least (>=) or at most (<=) this ratio]
  const figures = [
    ['Kafka → file sink, records/s', connect.sinkRate, sluice.sinkRate, 0, ['>=', 1]],
    ['sink CPU s per 100k records', connect.sinkCpu, sluice.sinkCpu, 2, ['<=', 0.5]],
    ['file → Kafka source, records/s', connect.sourceRate, sluice.sourceRate, 0, ['>=', 1]],
    ['source CPU s per 100k records', connect.sourceCpu, sluice.sourceCpu, 2, ['<=', 0.5]],
    ['peak RSS, sink (MiB)', connect.sinkPeak, sluice.sinkPeak, 0, ['<=', 0.5]],
    ['peak RSS, source (MiB)', connect.sourcePeak, sluice.sourcePeak, 0, ['<=', 0.5]],
    ['idle RSS, 3 s after REST ready (MiB)', connect.idleRss, sluice.idleRss, 0],
    ['start → REST ready (ms)', connect.readyMs, sluice.readyMs, 0],
  ];
  const verdict = (value, goal) => {
    if (!goal) return ['', ''];
    const met = goal[0] === '>=' ? value >= goal[1] : value <= goal[1];
    return [`${goal[0] === '>=' ? '≥' : '≤'} ${goal[1].toFixed(1)}`, met ? 'met' : '**not met**'];
  };
  section.table(
    ['figure', 'Connect', 'Sluice', 'Sluice ÷ Connect', 'goal (issue 13)', 'in this run'],
    figures.map(([figure, c, s, digits, goal]) => [
      figure,
      n(c, digits),
      n(s, digits),
      ratio(s, c),
      ...verdict(s / c, goal),
    ]),
  );
  section.text(`Where a goal is not met, the CPU profile of the Sluice worker is in
[bench/reports/filestream-profile.md](../reports/filestream-profile.md) (taken with
\`SLUICE_BENCH_CPU_PROF\`, see bench/README.md).`);
  section.text('Every round:');
  section.table(...perRoundTable(systems, results, records));
  section.text(`Where each worker's CPU went in round 1 (CPU seconds per 100k records by thread name, the
six largest; threads of one name summed):`);
  section.table(...threadTable(systems, results, records));
  const bars = (pick) =>
    ['source', 'sink'].flatMap((group) =>
      systems.map((s, i) => ({
        group: `${group === 'source' ? 'file → Kafka' : 'Kafka → file'}`,
        series: s.name,
        value: pick([connect, sluice][i], group),
      })),
    );
  await section.plot(
    'throughput',
    groupedBars({
      title: 'Records per second (median of rounds)',
      unit: 'records/s',
      rows: bars((s, g) => (g === 'source' ? s.sourceRate : s.sinkRate)),
    }),
  );
  await section.plot(
    'cpu',
    groupedBars({
      title: 'CPU seconds per 100k records',
      unit: 'CPU s',
      rows: bars((s, g) => (g === 'source' ? s.sourceCpu : s.sinkCpu)),
    }),
  );
  await section.plot(
    'rss',
    lines({
      title: 'Resident memory over a round (round 1: start, idle, source, sink)',
      x: 'seconds since the worker started',
      y: 'RSS MiB',
      points: systems.flatMap((s) => results[s.name][0].series.map((p) => ({ x: p.t, y: p.rss, series: s.name }))),
    }),
  );
}

function perRoundTable(systems, results, records) {
  const n = (value, digits = 0) =>
    value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const rows = systems.flatMap((s) =>
    results[s.name].map((r, i) => [
      s.name,
      String(i + 1),
      n(records / r.source.seconds),
      n((r.source.cpuSeconds * 100_000) / records, 2),
      n(r.source.peakRssMiB),
      n(records / r.sink.seconds),
      n((r.sink.cpuSeconds * 100_000) / records, 2),
      n(r.sink.peakRssMiB),
      n(r.readyMs),
    ]),
  );
  const header = [
    'system',
    'round',
    'source rec/s',
    'source CPU s/100k',
    'source peak MiB',
    'sink rec/s',
    'sink CPU s/100k',
    'sink peak MiB',
    'ready ms',
  ];
  return [header, rows];
}

function threadTable(systems, results, records) {
  const rows = systems.flatMap((s) =>
    ['source', 'sink'].map((phase) => {
      const threads = [...results[s.name][0][phase].threads].sort((a, b) => b[1] - a[1]).slice(0, 6);
      const cells = threads.map(([name, seconds]) => `${name} ${((seconds * 100_000) / records).toFixed(2)}`);
      return [s.name, phase, cells.join('; ')];
    }),
  );
  return [['system', 'phase', 'threads (CPU s per 100k)'], rows];
}
