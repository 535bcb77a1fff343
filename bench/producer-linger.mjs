#!/usr/bin/env node
// The source producer's CPU per message at moderate rates, by linger.ms: the runtime's
// KafkaProducer in the source's mode (acks=all, idempotence, delivery reports for errors only,
// each send drained before the next) sends batches of B messages on an open-loop schedule of
// R messages/s. Figures: CPU of this process (all threads: main, libuv pool, librdkafka's) per
// message, by thread, and the batch acknowledgement time. Rounds interleave the settings.
// `node bench/producer-linger.mjs [seconds=5] [rounds=2]` (KAFKA_BOOTSTRAP_SERVERS, a build)
// writes bench/reports/producer-linger.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaProducer } from '../packages/runtime/dist/index.js';
import { threadCpuSeconds } from './lib/sampler.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 2);
const brokers = process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092';
const RATE = 3000;
const VALUE = Buffer.alloc(300, 'x');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const threads = () => threadCpuSeconds(process.pid);
const group = (name) => (name === 'main thread' ? 'main' : name.startsWith('rdk:') ? 'librdkafka' : 'other');

/** One setting: returns CPU µs per message (total and by thread group) and ack p50/p99 in ms. */
async function measure(linger, batchSize) {
  const producer = new KafkaProducer(
    { 'bootstrap.servers': brokers, 'linger.ms': linger },
    { deliveryReports: 'errors' },
  );
  await producer.connect();
  const topic = `producer-linger-${process.pid}`;
  await producer.send([{ topic, value: VALUE }]); // topic created, connections up
  const before = threads();
  const batches = Math.round((RATE * seconds) / batchSize);
  const started = performance.now();
  const acks = [];
  for (let b = 0; b < batches; b++) {
    const wait = started + (b * batchSize * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    await producer.send(
      Array.from({ length: batchSize }, (_, i) => ({ topic, key: Buffer.from(`${b}-${i}`), value: VALUE })),
    );
    acks.push(performance.now() - sent);
  }
  const after = threads();
  await producer.disconnect();
  const messages = batches * batchSize;
  const byGroup = { main: 0, librdkafka: 0, other: 0 };
  for (const [name, cpu] of after) byGroup[group(name)] += cpu - (before.get(name) ?? 0);
  acks.sort((x, y) => x - y);
  const perMessage = (s) => (s / messages) * 1e6;
  return {
    linger,
    batchSize,
    total: perMessage(byGroup.main + byGroup.librdkafka + byGroup.other),
    main: perMessage(byGroup.main),
    librdkafka: perMessage(byGroup.librdkafka),
    other: perMessage(byGroup.other),
    p50: acks[Math.floor(acks.length / 2)],
    p99: acks[Math.floor(acks.length * 0.99)],
  };
}

const results = [];
for (let round = 1; round <= rounds; round++)
  for (const batchSize of [10, 100])
    for (const linger of round % 2 ? [0, 1, 5] : [5, 1, 0]) {
      const r = await measure(linger, batchSize);
      process.stderr.write(`round ${round} batch ${batchSize} linger ${linger}: ${r.total.toFixed(1)} µs/msg\n`);
      results.push({ round, ...r });
    }

const rows = results
  .sort((a, b) => a.batchSize - b.batchSize || a.linger - b.linger || a.round - b.round)
  .map(
    (r) =>
      `| ${r.batchSize} | ${r.linger} | ${r.round} | ${r.total.toFixed(1)} | ${r.main.toFixed(1)} | ${r.librdkafka.toFixed(1)} | ${r.other.toFixed(1)} | ${r.p50.toFixed(2)} / ${r.p99.toFixed(2)} |`,
  );
const load = os.loadavg().map((x) => x.toFixed(1));
const report = `# Source producer: CPU per message by linger.ms

Run ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model}, load average ${load.join(' / ')}
(the machine is shared: compare rows of one batch size, rounds interleave the settings).
\`node bench/producer-linger.mjs ${seconds} ${rounds}\`: the runtime's KafkaProducer as a source
task uses it (acks=all, idempotence, delivery reports for errors only, each batch drained before
the next), ${RATE.toLocaleString('en-US')} messages/s of 300 bytes on an open-loop schedule, ${seconds} s per row,
against the local broker. CPU is this process's, per message, by thread (main: JavaScript and
the event loop; librdkafka: its broker and internal threads; other: libuv's pool, V8's helpers).

| batch size | linger.ms | round | CPU µs per message | main | librdkafka | other | batch acknowledged p50 / p99 ms |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
fs.writeFileSync(path.join(root, 'bench', 'reports', 'producer-linger.md'), report);
process.stdout.write(report);
process.exit(0);
