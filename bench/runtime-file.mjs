#!/usr/bin/env node
// Benchmark: the runtime's two paths with the reference file connectors on the real broker.
//   file source -> Kafka   (SourceTaskRunner + FileStreamSource)
//   Kafka -> file sink     (SinkTaskRunner + FileStreamSink)
// Reports records/s and the process's CPU seconds per 100 000 records, and writes
// bench/reports/runtime-file.md. Usage: node bench/runtime-file.mjs [records=200000]
// Needs KAFKA_BOOTSTRAP_SERVERS (npm run services:up prints it) and a build (npx tsc -b).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const {
  FileOffsetStore,
  KafkaAdmin,
  SinkTaskRunner,
  SourceTaskRunner,
  kafkaClientSettings,
} = require('@sluice/runtime');
const FileStreamSource = require('@sluice/file-source').default;
const FileStreamSink = require('@sluice/file-sink').default;

const records = Number(process.argv[2] ?? 200_000);
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS;
if (!bootstrap) {
  console.error('KAFKA_BOOTSTRAP_SERVERS is not set: run `npm run services:up` and export the address it prints');
  process.exit(1);
}
const quiet = { debug() {}, info() {}, warn: console.warn, error: console.error };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
const topic = `bench-file-${randomUUID().slice(0, 8)}`;
const input = path.join(work, 'in.txt');
const output = path.join(work, 'out.txt');

function progress(label, done) {
  process.stderr.write(`\r${label}: ${done}/${records}`);
}

async function measure(label, run) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  process.stderr.write('\n');
  return { label, seconds, perSecond: Math.round(records / seconds), cpuPer100k: (cpuSeconds * 100_000) / records };
}

async function until(condition, report) {
  while (!condition()) {
    report();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const line = (i) =>
  `{"id":${i},"name":"product ${i}","brand":"Acme","price":${(i % 1000) + 0.99},"tags":["bench","sluice"]}`;
fs.writeFileSync(input, Array.from({ length: records }, (_, i) => `${line(i)}\n`).join(''));
const bytesPerRecord = Math.round(fs.statSync(input).size / records);
const settings = (id) => kafkaClientSettings(bootstrap, id);
const admin = new KafkaAdmin(settings('bench-admin'));
await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });

const converters = { 'key.converter': 'string', 'value.converter': 'string' };
const source = new SourceTaskRunner({
  connectorName: `${topic}-source`,
  taskId: 0,
  connector: FileStreamSource,
  config: { ...converters },
  taskConfig: FileStreamSource.validator.parse({ file: input, topic, 'batch.size': '5000' }),
  kafka: settings('bench-source'),
  offsets: new FileOffsetStore(path.join(work, 'offsets.json')),
  log: quiet,
});
const sourceResult = await measure('file source -> Kafka', async () => {
  await source.start();
  await until(
    () => source.produced >= records || source.status.state === 'FAILED',
    () => progress('source', source.produced),
  );
  await source.stop();
});

const sink = new SinkTaskRunner({
  connectorName: `${topic}-sink`,
  taskId: 0,
  connector: FileStreamSink,
  config: { ...converters },
  taskConfig: FileStreamSink.validator.parse({ file: output }),
  topics: [topic],
  kafka: settings('bench-sink'),
  log: quiet,
  commitIntervalMs: 1000,
  maxBatch: 5000,
});
const sinkResult = await measure('Kafka -> file sink', async () => {
  await sink.start();
  await until(
    () => sink.delivered >= records || sink.status.state === 'FAILED',
    () => progress('sink', sink.delivered),
  );
  await sink.stop();
});

const written = fs.readFileSync(output, 'utf8').split('\n').filter(Boolean).length;
await admin.deleteTopic(topic).catch(() => undefined);
admin.close();
fs.rmSync(work, { recursive: true, force: true });
if (source.status.state === 'FAILED' || sink.status.state === 'FAILED' || written !== records) {
  console.error(
    `benchmark run invalid: source ${source.status.state}, sink ${sink.status.state}, ${written}/${records} lines written`,
  );
  process.exit(1);
}

const rows = [sourceResult, sinkResult].map(
  (r) =>
    `| ${r.label} | ${records} | ${r.seconds.toFixed(2)} | ${r.perSecond.toLocaleString('en-US')} | ${r.cpuPer100k.toFixed(2)} |`,
);
const report = `# Runtime benchmark: file connectors through Kafka

Run ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB,
Node ${process.versions.node}, Kafka at ${bootstrap} (the local single-node broker, same machine).
${records} records of about ${bytesPerRecord} bytes, one partition, string converters,
acks=all + idempotence for the source path; the sink commits every second after flush (fsync).
CPU is this Node process's user + system time (librdkafka's threads included), not the broker's.

| path | records | seconds | records/s | CPU s per 100k records |
|---|---|---|---|---|
${rows.join('\n')}

Every record was checked to arrive in the output file. Reproduce: \`npm run services:up\`,
then \`KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 node bench/runtime-file.mjs ${records}\`.
The bar is Apache Kafka Connect's FileStream connectors on the same broker; that side-by-side
run belongs to the benchmark issue and is not in this report.
`;
fs.mkdirSync(path.join(root, 'bench', 'reports'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench', 'reports', 'runtime-file.md'), report);
console.log(report);
