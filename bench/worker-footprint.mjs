#!/usr/bin/env node
// Benchmark: how light a sluice-worker is. Starts the built worker with no connectors, times
// spawn -> REST /health answering, reads its resident memory after it idles, repeats, and writes
// bench/reports/worker-footprint.md. Usage: node bench/worker-footprint.mjs [runs=5]
// Needs a build (npx tsc -b); no connector runs, so Kafka is not contacted. The bin is run as an
// operator runs it (an executable: its shebang's V8 flags apply); `node bench/worker-footprint.mjs
// 5 --plain-node` runs it as `node bin/sluice-worker.js` instead, for comparison. With
// KAFKA_BOOTSTRAP_SERVERS set, the same is measured again with one file sink connector given on
// the command line (its task connects to Kafka before the REST API listens).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'packages', 'worker', 'bin', 'sluice-worker.js');
const runs = Number(process.argv[2] ?? 5);
const plainNode = process.argv.includes('--plain-node');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

const kafka = process.env.KAFKA_BOOTSTRAP_SERVERS;

/** A file sink connector file in `dir`, on a topic of its own. */
function connectorFile(dir) {
  const file = path.join(dir, 'sink.json');
  const name = `footprint-${path.basename(dir)}`;
  const config = { 'connector.class': 'FileStreamSink', topics: name, file: path.join(dir, 'out.txt') };
  fs.writeFileSync(file, JSON.stringify({ name, config }));
  return file;
}

async function once(port, withConnector) {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'footprint-'));
  const started = performance.now();
  const args = ['--rest-port', String(port), '--state-dir', state];
  if (withConnector) args.push('--bootstrap-servers', kafka, connectorFile(state));
  const child = plainNode
    ? spawn(process.execPath, [bin, ...args], { cwd: root, stdio: 'ignore' })
    : spawn(bin, args, {
        cwd: root,
        stdio: 'ignore',
        env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` },
      });
  let readyMs;
  for (let i = 0; i < 400 && readyMs === undefined; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) readyMs = performance.now() - started;
    } catch {
      await sleep(10);
    }
  }
  await sleep(3000); // idle
  const rss = rssMiB(child.pid);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  fs.rmSync(state, { recursive: true, force: true });
  if (readyMs === undefined) throw new Error('the worker did not answer /health within 4 s');
  return { readyMs, rss };
}

async function measure(withConnector) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    results.push(await once(18_500 + i, withConnector));
    process.stderr.write(
      `${withConnector ? 'one connector' : 'no connector'}, run ${i + 1}/${runs}: ready in ${results[i].readyMs.toFixed(0)} ms, idle RSS ${results[i].rss.toFixed(1)} MiB\n`,
    );
  }
  return results;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rows = (
  label,
  results,
) => `| ${label}: spawn → REST /health answers (ms) | ${median(results.map((r) => r.readyMs)).toFixed(0)} | ${Math.min(...results.map((r) => r.readyMs)).toFixed(0)} | ${Math.max(...results.map((r) => r.readyMs)).toFixed(0)} |
| ${label}: resident memory after 3 s idle (MiB) | ${median(results.map((r) => r.rss)).toFixed(1)} | ${Math.min(...results.map((r) => r.rss)).toFixed(1)} | ${Math.max(...results.map((r) => r.rss)).toFixed(1)} |`;
const idle = await measure(false);
const busy = kafka ? await measure(true) : undefined;
const report = `# sluice-worker footprint

Run ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}, load average ${os.loadavg()[0].toFixed(1)} at the end (the machine is shared: timings vary with it).
The built worker, standalone, ${runs} runs per row, started ${plainNode ? 'as `node bin/sluice-worker.js` (no V8 flags)' : 'as the `sluice-worker` executable (its shebang sets --max-semi-space-size=2)'}.
Connector packages in the repository's node_modules are found but loaded only on first use.

| figure | median | min | max |
|---|---|---|---|
${rows('no connector', idle)}
${busy ? rows(`one file sink connector (Kafka ${kafka})`, busy) : '| one connector: not measured (KAFKA_BOOTSTRAP_SERVERS unset) | | | |'}

Targets from the worker issue: REST ready within about a second, idle RSS under 80 MB.
Reproduce: \`npx tsc -b && node bench/worker-footprint.mjs ${runs}${plainNode ? ' --plain-node' : ''}\`.
`;
fs.mkdirSync(path.join(root, 'bench', 'reports'), { recursive: true });
fs.writeFileSync(
  path.join(root, 'bench', 'reports', plainNode ? 'worker-footprint-plain-node.md' : 'worker-footprint.md'),
  report,
);
console.log(report);
