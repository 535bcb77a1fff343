// The machine a benchmark ran on, and its load while it ran (the machine may be shared).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { clearInterval, setInterval } from 'node:timers';

/** Cores, CPU model, memory, OS and Node, as one object for the report header. */
export function machineInfo() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown CPU',
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.versions.node,
    java: javaVersion(),
  };
}

function javaVersion() {
  const run = spawnSync('java', ['-version'], { encoding: 'utf8' }); // it prints to stderr
  return (run.stderr || run.stdout || '').split('\n')[0] || 'java: not found';
}

/** Samples the 1-minute load average every `everyMs` until stop(); returns {min, max, mean, samples}. */
export function loadSampler(everyMs = 5000) {
  const samples = [];
  const take = () => samples.push({ at: Date.now(), load1: os.loadavg()[0] });
  take();
  const timer = setInterval(take, everyMs);
  timer.unref();
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      const values = samples.map((s) => s.load1);
      return {
        min: Math.min(...values),
        max: Math.max(...values),
        mean: values.reduce((a, b) => a + b, 0) / values.length,
        samples,
      };
    },
  };
}
