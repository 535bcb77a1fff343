#!/usr/bin/env node
// The source producer's CPU per message at a low rate (100 messages/s, one message per send,
// the pipeline's 100/s shape): the runtime's KafkaProducer in the source's mode (acks=all,
// idempotence, delivery reports for errors only, each send drained before the next). Compares
// two builds of the runtime in interleaved child processes, so a change is measured against
// its base in the same run: `node bench/producer-low-rate.mjs <before dist> <after dist>
// [seconds=10] [pairs=2]` (KAFKA_BOOTSTRAP_SERVERS). Prints one Markdown row per round.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadCpuSeconds } from './lib/sampler.mjs';

const RATE = 100;
const VALUE = Buffer.alloc(300, 'x');
const brokers = process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const group = (name) => (name === 'main thread' ? 'main' : name.startsWith('rdk:') ? 'librdkafka' : 'other');

/** Child: sends RATE messages/s for `seconds` with the given build; prints JSON figures. */
async function child(dist, seconds) {
  const { KafkaProducer } = await import(pathToFileURL(`${dist}/index.js`).href);
  const producer = new KafkaProducer({ 'bootstrap.servers': brokers }, { deliveryReports: 'errors' });
  await producer.connect();
  const topic = `producer-low-rate-${process.pid}`;
  await producer.send([{ topic, value: VALUE }]); // topic created, connections up
  const before = threadCpuSeconds(process.pid);
  const count = RATE * seconds;
  const started = performance.now();
  const acks = [];
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    await producer.send([{ topic, key: Buffer.from(String(i)), value: VALUE }]);
    acks.push(performance.now() - sent);
  }
  const after = threadCpuSeconds(process.pid);
  await producer.disconnect();
  const byGroup = { main: 0, librdkafka: 0, other: 0 };
  for (const [name, cpu] of after) byGroup[group(name)] += cpu - (before.get(name) ?? 0);
  acks.sort((x, y) => x - y);
  const us = (s) => Math.round((s / count) * 1e6);
  const at = (q) => acks[Math.min(acks.length - 1, Math.floor(q * acks.length))].toFixed(2);
  const total = byGroup.main + byGroup.librdkafka + byGroup.other;
  console.log(
    JSON.stringify({
      total: us(total),
      main: us(byGroup.main),
      rdk: us(byGroup.librdkafka),
      other: us(byGroup.other),
      p50: at(0.5),
      p99: at(0.99),
    }),
  );
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], Number(process.argv[4]));
} else {
  const [beforeDist, afterDist] = process.argv.slice(2, 4);
  const seconds = process.argv[4] ?? '10';
  const pairs = Number(process.argv[5] ?? 2);
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}; ${RATE}/s, ${seconds} s per round`,
  );
  console.log('| build | round | CPU µs per message | main | librdkafka | other | ack p50 / p99 ms |');
  console.log('|---|---|---|---|---|---|---|');
  const self = fileURLToPath(import.meta.url);
  for (let round = 1; round <= pairs; round++) {
    for (const [name, dist] of [
      ['before', beforeDist],
      ['after', afterDist],
    ]) {
      const run = spawnSync(process.execPath, [self, '--child', dist, seconds], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
      const r = JSON.parse(run.stdout.trim().split('\n').pop());
      console.log(`| ${name} | ${round} | ${r.total} | ${r.main} | ${r.rdk} | ${r.other} | ${r.p50} / ${r.p99} |`);
    }
  }
  console.log(
    `load average after ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
  );
}
