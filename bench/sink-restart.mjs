#!/usr/bin/env node
// Benchmark: how soon a sink flows again after kill -9 and a restart of a real sluice-worker.
// A FileStreamSink connector reads a topic a producer writes to every 20 ms; the worker is
// killed with SIGKILL and started again on the same state directory. Per round it reports the
// time from launching the new process until (a) GET /connectors/{name}/status says RUNNING and
// (b) a record produced after the launch is in the sink's file. Writes
// bench/reports/sink-restart.md. Usage: node bench/sink-restart.mjs [rounds=5]
// Needs KAFKA_BOOTSTRAP_SERVERS and a build (npx tsc -b).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { KafkaAdmin, KafkaProducer, kafkaClientSettings } = require('@sluice/runtime');
const { startWorkerProcess } = require('@sluice/worker');

const rounds = Number(process.argv[2] ?? 5);
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS;
if (!bootstrap) {
  console.error('KAFKA_BOOTSTRAP_SERVERS is not set');
  process.exit(1);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-restart-'));
  const topic = `bench-restart-${randomUUID().slice(0, 8)}`;
  const output = path.join(stateDir, 'out.txt');
  const settings = kafkaClientSettings(bootstrap, 'bench-restart');
  const admin = new KafkaAdmin(settings);
  await admin.ensureTopic({ topic, partitions: 3, replicationFactor: 1 });
  const producer = new KafkaProducer(settings);
  await producer.connect();
  let seq = 0;
  let producing = true;
  const written = new Map(); // seq -> when it was produced
  const feeding = (async () => {
    while (producing) {
      const n = seq++;
      written.set(n, Date.now());
      await producer.send([{ topic, key: Buffer.from(`k${n % 7}`), value: Buffer.from(String(n)) }]);
      await sleep(20);
    }
  })();
  const start = () =>
    startWorkerProcess({
      stateDir,
      bootstrapServers: bootstrap,
      settings: { offsetFlushIntervalMs: 200 },
      connectors: {
        'restart-sink': {
          'connector.class': 'FileStreamSink',
          topics: topic,
          file: output,
          'key.converter': 'string',
          'value.converter': 'string',
        },
      },
    });
  const lines = () => (fs.existsSync(output) ? fs.readFileSync(output, 'utf8').split('\n').filter(Boolean) : []);
  const flowingSince = async (sinceSeq, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (lines().some((line) => Number(line) >= sinceSeq)) return Date.now();
      await sleep(20);
    }
    return undefined;
  };

  let worker = await start();
  await flowingSince(0, 30_000);
  const results = [];
  for (let round = 1; round <= rounds; round++) {
    await sleep(1500); // records flowing, offsets committed every 200 ms
    await worker.kill();
    const launchedAt = Date.now();
    const firstAfterLaunch = seq;
    worker = await start(); // resolves once the status says RUNNING
    const runningAt = Date.now();
    const flowingAt = await flowingSince(firstAfterLaunch, 60_000);
    const result = { round, runningMs: runningAt - launchedAt, flowingMs: flowingAt ? flowingAt - launchedAt : NaN };
    results.push(result);
    process.stderr.write(
      `round ${round}: RUNNING after ${result.runningMs} ms, flowing after ${result.flowingMs} ms\n`,
    );
  }
  producing = false;
  await feeding;
  await sleep(1500);
  const delivered = new Set(lines());
  const missing = [...written.keys()].filter((n) => !delivered.has(String(n))).length;
  const repeated = lines().length - delivered.size;
  await worker.stop();
  await producer.disconnect();
  await admin.deleteTopic(topic).catch(() => undefined);
  admin.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
  write(results, { produced: written.size, missing, repeated });
}

function write(results, totals) {
  const sorted = (key) => results.map((r) => r[key]).sort((a, b) => a - b);
  const median = (key) => sorted(key)[Math.floor(results.length / 2)];
  const report = `# Sink after kill -9: restart to flowing (bench/sink-restart.mjs)

${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, the shared local broker, a real \`sluice-worker\`
process (FileStreamSink, 3 partitions, a record every 20 ms, offsets flushed every 200 ms), killed with
SIGKILL and started again on the same state directory. Reproduce: \`node bench/sink-restart.mjs ${results.length}\`.

| round | status RUNNING after launch (ms) | first new record in the file after launch (ms) |
|---|---|---|
${results.map((r) => `| ${r.round} | ${r.runningMs} | ${r.flowingMs} |`).join('\n')}
| **median** | **${median('runningMs')}** | **${median('flowingMs')}** |

Every record produced (${totals.produced}) is in the file: ${totals.missing} missing, ${totals.repeated} repeated lines
(the file sink skips redelivered offsets).

Sink tasks are static group members (\`group.instance.id\` derived from the worker's host and state directory,
the group and the task id): the restarted worker's consumer takes the dead one's place at once instead of
waiting out its 10 s session, and a task that stops on purpose leaves the group explicitly (unsubscribe before
close), so it never stalls a rebalance.
`;
  const file = path.join(root, 'bench', 'reports', 'sink-restart.md');
  fs.writeFileSync(file, report);
  process.stdout.write(report);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
