#!/usr/bin/env node
// Benchmark: how sink consumers wait for data, on the real broker. Three models:
//   blocking  — consume(n, cb) per consumer, 100 ms timeout (what the sink runner did before):
//               each call holds one of libuv's 4 pool threads while it waits
//   flowing   — the library's consume(cb) loop: one OS thread per consumer, one JS call per message
//   event     — KafkaGroupConsumer: queue_non_empty_cb wakes a non-waiting fetch (what it does now)
// For N idle consumers: fs.stat latency (a pool job) and event-loop delay, process CPU, threads.
// For one consumer: records/s and CPU s per 100k records reading a pre-filled topic.
// Writes bench/reports/sink-consume-model.md.
// Usage: node bench/sink-consume-model.mjs [idleConsumers=50] [records=200000]
// Needs KAFKA_BOOTSTRAP_SERVERS and a build (npx tsc -b).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const Kafka = require('@confluentinc/kafka-javascript');
const { KafkaAdmin, KafkaGroupConsumer, KafkaProducer, kafkaClientSettings } = require('@sluice/runtime');

const idleCount = Number(process.argv[2] ?? 50);
const records = Number(process.argv[3] ?? 200_000);
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS;
if (!bootstrap) {
  console.error('KAFKA_BOOTSTRAP_SERVERS is not set');
  process.exit(1);
}
const settings = (id) => ({ ...kafkaClientSettings(bootstrap, id), 'session.timeout.ms': 10_000 });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const threads = () => Number(/Threads:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);

/** A library consumer read the old way or in flowing mode, behind the same tiny interface. */
function libraryConsumer(mode, groupId, onMessages) {
  const consumer = new Kafka.KafkaConsumer(
    {
      ...settings(`${mode}-bench`),
      'group.id': groupId,
      'enable.auto.commit': false,
      'partition.assignment.strategy': 'cooperative-sticky',
      rebalance_cb: true,
    },
    { 'auto.offset.reset': 'earliest' },
  );
  let running = true;
  return {
    async start(topic) {
      await new Promise((resolve, reject) => consumer.connect({}, (error) => (error ? reject(error) : resolve())));
      consumer.subscribe([topic]);
      if (mode === 'flowing') {
        consumer.setDefaultConsumeTimeout(100);
        consumer.setDefaultConsumeLoopTimeoutDelay(0);
        consumer.on('data', (message) => onMessages([message]));
        consumer.consume();
        return;
      }
      consumer.setDefaultConsumeTimeout(100);
      consumer.setDefaultIsTimeoutOnlyForFirstMessage(true);
      void (async () => {
        while (running) {
          const batch = await new Promise((resolve) =>
            consumer.consume(2000, (error, messages) => resolve(error ? [] : messages)),
          );
          onMessages(batch);
        }
      })();
    },
    async stop() {
      running = false;
      await sleep(150);
      await new Promise((resolve) => consumer.disconnect(resolve));
    },
  };
}

function eventConsumer(groupId, onMessages) {
  const consumer = new KafkaGroupConsumer(settings('event-bench'), { groupId });
  let running = true;
  let loop;
  return {
    async start(topic) {
      await consumer.connect();
      consumer.subscribe([topic]);
      loop = (async () => {
        while (running) onMessages(await consumer.consume(2000, 1000)); // as the sink runner waits
      })();
    },
    async stop() {
      running = false;
      consumer.interrupt();
      await loop;
      await consumer.disconnect();
    },
  };
}

const create = (mode, groupId, onMessages) =>
  mode === 'event' ? eventConsumer(groupId, onMessages) : libraryConsumer(mode, groupId, onMessages);

async function idle(mode, topic) {
  const consumers = Array.from({ length: idleCount }, () => create(mode, `bench-idle-${randomUUID()}`, () => {}));
  await Promise.all(consumers.map((c) => c.start(topic)));
  await sleep(3000); // joined, waiting
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpu = process.cpuUsage();
  const latencies = [];
  const startedAt = Date.now();
  while (Date.now() - startedAt < 5000) {
    const t = performance.now();
    await fs.promises.stat(root);
    latencies.push(performance.now() - t);
    await sleep(20);
  }
  const used = process.cpuUsage(cpu);
  delay.disable();
  const threadCount = threads();
  await Promise.all(consumers.map((c) => c.stop()));
  latencies.sort((a, b) => a - b);
  return {
    mode,
    statP50: quantile(latencies, 0.5),
    statP99: quantile(latencies, 0.99),
    loopP99: delay.percentile(99) / 1e6,
    cpuPercent: ((used.user + used.system) / 1e6 / ((Date.now() - startedAt) / 1000)) * 100,
    threads: threadCount,
  };
}

async function throughput(mode, topic) {
  let received = 0;
  const consumer = create(mode, `bench-read-${randomUUID()}`, (messages) => (received += messages.length));
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await consumer.start(topic);
  while (received < records) await sleep(20);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  await consumer.stop();
  return {
    mode,
    perSecond: Math.round(records / seconds),
    cpuPer100k: ((used.user + used.system) / 1e6) * (100_000 / records),
  };
}

async function main() {
  const admin = new KafkaAdmin(settings('bench-admin'));
  const idleTopic = `bench-idle-${randomUUID().slice(0, 8)}`;
  const fullTopic = `bench-full-${randomUUID().slice(0, 8)}`;
  await admin.ensureTopic({ topic: idleTopic, partitions: 1, replicationFactor: 1 });
  await admin.ensureTopic({ topic: fullTopic, partitions: 3, replicationFactor: 1 });
  const producer = new KafkaProducer(settings('bench-producer'), { deliveryReports: 'errors' });
  await producer.connect();
  const value = Buffer.alloc(100, 'x');
  for (let sent = 0; sent < records; sent += 10_000)
    await producer.send(Array.from({ length: 10_000 }, () => ({ topic: fullTopic, key: null, value })));
  await producer.disconnect();

  const modes = ['blocking', 'flowing', 'event'];
  const idleRows = [];
  const readRows = [];
  for (const mode of modes) {
    process.stderr.write(`${mode}: ${idleCount} idle consumers ...\n`);
    idleRows.push(await idle(mode, idleTopic));
    process.stderr.write(`${mode}: reading ${records} records ...\n`);
    readRows.push(await throughput(mode, fullTopic));
  }
  await admin.deleteTopic(idleTopic).catch(() => undefined);
  await admin.deleteTopic(fullTopic).catch(() => undefined);
  admin.close();
  write(idleRows, readRows);
}

function write(idleRows, readRows) {
  const ms = (n) => n.toFixed(n < 10 ? 2 : 0);
  const report = `# Sink consumers: how they wait (bench/sink-consume-model.mjs)

${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), the shared local broker,
Node ${process.version}, librdkafka ${Kafka.librdkafkaVersion}. Reproduce: \`node bench/sink-consume-model.mjs ${idleCount} ${records}\`.

## ${idleCount} idle consumers (no data), measured over 5 s

| model | fs.stat p50 (ms) | fs.stat p99 (ms) | event-loop delay p99 (ms) | process CPU | threads |
|---|---|---|---|---|---|
${idleRows.map((r) => `| ${r.mode} | ${ms(r.statP50)} | ${ms(r.statP99)} | ${ms(r.loopP99)} | ${r.cpuPercent.toFixed(1)} % | ${r.threads} |`).join('\n')}

fs.stat stands for every pool job (file I/O, DNS, zlib, crypto): with \`blocking\`, it waits for one
of the four threads the consumers hold for up to their 100 ms poll.

## One consumer reading ${records} records of 100 bytes (3 partitions)

| model | records/s | CPU s per 100k |
|---|---|---|
${readRows.map((r) => `| ${r.mode} | ${r.perSecond} | ${r.cpuPer100k.toFixed(2)} |`).join('\n')}
`;
  const file = path.join(root, 'bench', 'reports', 'sink-consume-model.md');
  fs.writeFileSync(file, report);
  process.stdout.write(report);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
