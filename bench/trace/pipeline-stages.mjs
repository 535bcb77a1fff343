#!/usr/bin/env node
// Stage split of a pipeline-latency run from its trace files (see bench/README.md "Where the
// milliseconds go"): `node bench/trace/pipeline-stages.mjs run1 [run2 ...]` reads
// run.bench.trace (PIPELINE_LATENCY_TRACE: `n intended mongoAcked visible`, hrtime ns) and
// run.worker.trace (SLUICE_LATENCY_TRACE with pipeline-latency-trace.patch applied: `stage ns
// n,n,...`) and prints p50 / p99 ms per stage and rate as markdown. Both processes stamp with
// process.hrtime (CLOCK_MONOTONIC): one clock on one machine.
import fs from 'node:fs';

const STAGES = [
  ['intended', 'mongoAck', 'write acknowledged by the emulator'],
  ['mongoAck', 'mdb.read', 'ack → change read by the source'],
  ['mdb.read', 'src.polled', 'source task + runner (read → produce)'],
  ['src.polled', 'snk.fetched', 'Kafka hop (produce → sink fetched)'],
  ['snk.fetched', 'os.sent', 'sink runner + task (fetched → bulk sent)'],
  ['os.sent', 'os.acked', 'bulk round trip (OpenSearch)'],
  ['os.acked', 'visible', 'bulk answer → watcher sees it'],
  ['intended', 'visible', 'total (intended → visible)'],
];
/** The scenario's document numbers: warm-up 1,000,000+, then one million per rate. */
const RATES = [
  [100, '2'],
  [1000, '3'],
];

function load(run) {
  const bench = new Map();
  for (const line of fs.readFileSync(`${run}.bench.trace`, 'utf8').split('\n')) {
    const [id, ...times] = line.split(' ');
    if (times.length >= 3) bench.set(id, times.slice(0, 3).map(Number));
  }
  const stages = new Map();
  for (const line of fs.readFileSync(`${run}.worker.trace`, 'utf8').split('\n')) {
    const [stage, ns, ids] = line.split(' ');
    if (!ids || stage.startsWith('mdb.asked')) continue;
    const seen = stages.get(stage) ?? stages.set(stage, new Map()).get(stage);
    for (const id of ids.split(',')) if (!seen.has(id)) seen.set(id, Number(ns));
  }
  const at = (id, stage) => {
    const own = ['intended', 'mongoAck', 'visible'].indexOf(stage);
    return own >= 0 ? bench.get(id)[own] : stages.get(stage)?.get(id);
  };
  return { ids: [...bench.keys()], at };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const runs = process.argv.slice(2).map((run) => ({ run, ...load(run) }));
for (const [rate, prefix] of RATES) {
  const names = runs.map((r) => r.run.split('/').at(-1));
  process.stdout.write(
    `\n${rate}/s, p50 / p99 ms:\n\n| stage | ${names.join(' | ')} |\n|---|${'---|'.repeat(runs.length)}\n`,
  );
  for (const [from, to, name] of STAGES) {
    const cells = runs.map(({ ids, at }) => {
      const values = [];
      for (const id of ids) {
        if (id.length !== 7 || !id.startsWith(prefix)) continue;
        const a = at(id, from);
        const b = at(id, to);
        if (a !== undefined && b !== undefined) values.push((b - a) / 1e6);
      }
      values.sort((x, y) => x - y);
      return `${quantile(values, 0.5).toFixed(1)} / ${quantile(values, 0.99).toFixed(0)}`;
    });
    process.stdout.write(`| ${name} | ${cells.join(' | ')} |\n`);
  }
}
