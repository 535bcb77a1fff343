#!/usr/bin/env node
// Benchmark: a real sluice-worker carrying N file-sink and N file-source connectors on the
// shared broker, driven through its REST API only (so it measures any runtime behind it).
// Per N: time from process launch until REST listens (with 2N connectors stored), until every
// task is RUNNING; p50/p99 of REST changes (pause, resume, PUT config, POST new) and of
// GET /connectors and GET /health sampled throughout. Writes bench/reports/runtime-scale.md.
// Usage: node bench/runtime-scale.mjs [N...=10 25 50]
// Needs KAFKA_BOOTSTRAP_SERVERS and a build (npx tsc -b).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { GroupOffsets, KafkaAdmin, kafkaClientSettings } = require('@sluice/runtime');
const BIN = path.join(root, 'packages', 'worker', 'bin', 'sluice-worker.js');

const sizes = process.argv.slice(2).map(Number);
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS;
if (!bootstrap) {
  console.error('KAFKA_BOOTSTRAP_SERVERS is not set');
  process.exit(1);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A worker process on `stateDir`; resolves at spawn with its URL and when it first answered. */
async function launch(stateDir) {
  const port = await freePort();
  const configFile = path.join(stateDir, 'worker.json');
  const config = { bootstrapServers: bootstrap, stateDir, logLevel: 'warn', offsetFlushIntervalMs: 1000 };
  fs.writeFileSync(configFile, JSON.stringify({ ...config, rest: { port } }));
  const launchedAt = performance.now();
  const child = spawn(process.execPath, [BIN, '--config', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`worker exited ${child.exitCode}: ${stderr}`);
    const answered = await fetch(`${url}/health`).then(
      () => true,
      () => false,
    );
    if (answered) break;
    await sleep(5);
  }
  const listeningMs = performance.now() - launchedAt;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { url, child, listeningMs, launchedAt, stop: () => (child.kill('SIGTERM'), exited) };
}

async function timed(method, url, body) {
  const startedAt = performance.now();
  const response = await fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  await response.arrayBuffer();
  const ms = performance.now() - startedAt;
  if (response.status >= 400) throw new Error(`${method} ${url}: ${response.status}`);
  return ms;
}

function connectorConfigs(n, work, run) {
  const configs = {};
  for (let i = 0; i < n; i++) {
    const topic = `scale-${run}-${i}`;
    const input = path.join(work, `in-${i}.txt`);
    fs.writeFileSync(input, Array.from({ length: 100 }, (_, j) => `line ${j}`).join('\n') + '\n');
    configs[`source-${i}`] = { 'connector.class': 'FileStreamSource', file: input, topic, 'value.converter': 'string' };
    configs[`sink-${i}`] = {
      'connector.class': 'FileStreamSink',
      topics: topic,
      file: path.join(work, `out-${i}.txt`),
      'key.converter': 'string',
      'value.converter': 'string',
    };
  }
  return configs;
}

async function untilAllRunning(url, names, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const expanded = await (await fetch(`${url}/connectors?expand=status`)).json();
    const running = names.filter((name) => {
      const tasks = expanded[name]?.status?.tasks ?? [];
      return tasks.length > 0 && tasks.every((task) => task.state === 'RUNNING');
    });
    if (running.length === names.length) return performance.now();
    await sleep(50);
  }
  throw new Error(`not every connector RUNNING within ${timeoutMs} ms`);
}

/** GET /connectors and /health every 50 ms until stopped. */
function sampleReads(url) {
  const reads = { connectors: [], health: [] };
  let sampling = true;
  const done = (async () => {
    while (sampling) {
      reads.connectors.push(await timed('GET', `${url}/connectors`).catch(() => NaN));
      reads.health.push(await timed('GET', `${url}/health`).catch(() => NaN));
      await sleep(50);
    }
  })();
  return { reads, stop: async () => ((sampling = false), await done) };
}

/** Pause, resume and PUT config on connectors of both kinds in turn, then POST new ones; latencies per kind. */
async function changes(url, configs, n, work, run) {
  const latencies = {};
  const note = (what, kind, ms) => ((latencies[`${what} ${kind}`] ??= []).push(ms), (latencies[what] ??= []).push(ms));
  const names = Object.keys(configs);
  for (let round = 0; round < Math.min(20, n * 2); round++) {
    const name = names[(round * 7) % names.length];
    const kind = name.startsWith('sink') ? 'sink' : 'source';
    note('pause', kind, await timed('PUT', `${url}/connectors/${name}/pause`));
    await sleep(100);
    note('resume', kind, await timed('PUT', `${url}/connectors/${name}/resume`));
    await sleep(100);
    const changed = { ...configs[name], 'errors.log.enable': String(round % 2 === 0) };
    note('put', kind, await timed('PUT', `${url}/connectors/${name}/config`, changed));
    await sleep(100);
  }
  for (let i = 0; i < 10; i++) {
    const topic = `scale-${run}-new-${i}`;
    const input = path.join(work, `new-${i}.txt`);
    fs.writeFileSync(input, 'a\nb\n');
    const config = { 'connector.class': 'FileStreamSource', file: input, topic, 'value.converter': 'string' };
    note('post', 'source', await timed('POST', `${url}/connectors`, { name: `new-source-${i}`, config }));
    const sink = { 'connector.class': 'FileStreamSink', topics: topic, file: path.join(work, `new-out-${i}.txt`) };
    note('post', 'sink', await timed('POST', `${url}/connectors`, { name: `new-sink-${i}`, config: sink }));
    await sleep(100);
  }
  return latencies;
}

async function measure(n) {
  const run = randomUUID().slice(0, 8);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `sluice-scale-${n}-`));
  const configs = connectorConfigs(n, work, run);
  const names = Object.keys(configs);
  process.stderr.write(`N=${n}: creating ${names.length} connectors ...\n`);
  const first = await launch(work);
  for (const name of names) await timed('POST', `${first.url}/connectors`, { name, config: configs[name] });
  await untilAllRunning(first.url, names, 300_000);
  await first.stop();

  process.stderr.write(`N=${n}: restarting with ${names.length} stored ...\n`);
  const worker = await launch(work);
  const sampler = sampleReads(worker.url);
  const allRunningMs = (await untilAllRunning(worker.url, names, 300_000)) - worker.launchedAt;
  await sleep(2000); // steady state: sources done, sinks idle
  process.stderr.write(`N=${n}: REST changes ...\n`);
  const latencies = await changes(worker.url, configs, n, work, run);
  await sampler.stop();
  const rss = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${worker.child.pid}/status`, 'utf8'))?.[1]) / 1024;
  const stopStartedAt = performance.now();
  await worker.stop();
  const stopMs = performance.now() - stopStartedAt;
  await cleanUp(run, [...names, ...Array.from({ length: 10 }, (_, i) => [`new-source-${i}`, `new-sink-${i}`]).flat()]);
  fs.rmSync(work, { recursive: true, force: true });
  return { n, listeningMs: worker.listeningMs, allRunningMs, latencies, reads: sampler.reads, rss, stopMs };
}

async function cleanUp(run, names) {
  const settings = kafkaClientSettings(bootstrap, 'scale-cleanup');
  const admin = new KafkaAdmin(settings);
  const topics = await admin.listTopics().catch(() => []);
  for (const topic of topics.filter((t) => t.startsWith(`scale-${run}-`)))
    await admin.deleteTopic(topic).catch(() => {});
  admin.close();
  for (const name of names.filter((n) => n.includes('sink')))
    await new GroupOffsets(settings, `connect-${name}`).deleteAll().catch(() => {});
}

function write(results) {
  const ms = (v) => (v === undefined || Number.isNaN(v) ? 'n/a' : v < 10 ? v.toFixed(1) : String(Math.round(v)));
  const pair = (values = []) => `${ms(quantile(values, 0.5))} / ${ms(quantile(values, 0.99))}`;
  const rows = results.map(
    (r) =>
      `| ${r.n} + ${r.n} | ${ms(r.listeningMs)} | ${ms(r.allRunningMs)} | ${pair(r.latencies.pause)} | ${pair(r.latencies.resume)} | ${pair(r.latencies.put)} | ${pair(r.latencies.post)} | ${pair(r.reads.connectors)} | ${pair(r.reads.health)} | ${Math.round(r.rss)} | ${ms(r.stopMs)} |`,
  );
  const kinds = ['pause', 'resume', 'put', 'post'];
  const byKind = results.flatMap((r) =>
    ['sink', 'source'].map(
      (kind) =>
        `| ${r.n} + ${r.n} | ${kind} | ${kinds.map((what) => pair(r.latencies[`${what} ${kind}`])).join(' | ')} |`,
    ),
  );
  const report = `# Runtime at scale: N sink + N source connectors in one worker (bench/runtime-scale.mjs)

${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores (shared with other work), the shared local broker, a real
\`sluice-worker\` process (built bin), FileStreamSink and FileStreamSource connectors (each source a 100-line file
into its own topic, each sink that topic into a file), driven through the REST API only. The worker is started
empty, given the 2N connectors by \`POST\`, stopped, and launched again with them stored: the figures are of that
second launch. Latencies in ms, p50 / p99. Reproduce: \`node bench/runtime-scale.mjs ${results.map((r) => r.n).join(' ')}\`.

| connectors | REST listening after launch | all tasks RUNNING after launch | pause | resume | PUT config | POST new | GET /connectors | GET /health | RSS (MiB) | SIGTERM to exit |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

By connector kind:

| connectors | kind | pause | resume | PUT config | POST new |
|---|---|---|---|---|---|
${byKind.join('\n')}

Changes: pause, resume and PUT config (a changed \`errors.log.enable\`, which restarts the connector's tasks) on
20 connectors of both kinds, one at a time, then 20 POSTs (10 sources, 10 sinks); GETs sampled every 50 ms from
launch to the end of the changes. Goal (issue 11): at 50 + 50, every change p99 < 100 ms and REST listening < 1 s
after launch.
`;
  fs.writeFileSync(path.join(root, 'bench', 'reports', 'runtime-scale.md'), report);
  process.stdout.write(report);
}

async function main() {
  const results = [];
  for (const n of sizes.length > 0 ? sizes : [10, 25, 50]) results.push(await measure(n));
  write(results);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
