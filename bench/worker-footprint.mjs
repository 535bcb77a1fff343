#!/usr/bin/env node
// Benchmark: how light a sluice-worker is. Starts the built worker with no connectors, times
// spawn -> REST /health answering, reads its resident memory after it idles, repeats, and writes
// bench/reports/worker-footprint.md. Usage: node bench/worker-footprint.mjs [runs=5]
// Needs a build (npx tsc -b); no connector runs, so Kafka is not contacted. The bin is run as an
// operator runs it (an executable: its shebang's V8 flags apply); `node bench/worker-footprint.mjs
// 5 --plain-node` runs it as `node bin/sluice-worker.js` instead, for comparison.
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

async function once(port) {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'footprint-'));
  const started = performance.now();
  const args = ['--rest-port', String(port), '--state-dir', state];
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

const results = [];
for (let i = 0; i < runs; i++) {
  results.push(await once(18_500 + i));
  process.stderr.write(
    `run ${i + 1}/${runs}: ready in ${results[i].readyMs.toFixed(0)} ms, idle RSS ${results[i].rss.toFixed(1)} MiB\n`,
  );
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const report = `# sluice-worker footprint

Run ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}.
The built worker, standalone, no connectors, ${runs} runs, started ${plainNode ? 'as `node bin/sluice-worker.js` (no V8 flags)' : 'as the `sluice-worker` executable (its shebang sets --max-semi-space-size=2)'}.
Connector packages in the repository's node_modules are found but not loaded (they load on first use).

| figure | median | min | max |
|---|---|---|---|
| spawn → REST /health answers (ms) | ${median(results.map((r) => r.readyMs)).toFixed(0)} | ${Math.min(...results.map((r) => r.readyMs)).toFixed(0)} | ${Math.max(...results.map((r) => r.readyMs)).toFixed(0)} |
| resident memory after 3 s idle (MiB) | ${median(results.map((r) => r.rss)).toFixed(1)} | ${Math.min(...results.map((r) => r.rss)).toFixed(1)} | ${Math.max(...results.map((r) => r.rss)).toFixed(1)} |

Targets from the worker issue: REST ready within about a second, idle RSS under 80 MB.
Reproduce: \`npx tsc -b && node bench/worker-footprint.mjs ${runs}${plainNode ? ' --plain-node' : ''}\`.
`;
fs.mkdirSync(path.join(root, 'bench', 'reports'), { recursive: true });
fs.writeFileSync(
  path.join(root, 'bench', 'reports', plainNode ? 'worker-footprint-plain-node.md' : 'worker-footprint.md'),
  report,
);
console.log(report);
