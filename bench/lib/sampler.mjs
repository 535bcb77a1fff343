// CPU time and resident memory of one process (all its threads), read from /proc (Linux).
import fs from 'node:fs';
import { clearInterval, setInterval } from 'node:timers';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux the project runs on

/** utime + stime of `pid` in seconds (every thread: the JVM's, librdkafka's), or undefined once gone. */
export function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU seconds per thread name of `pid` (names such as rdk:broker1, V8 workers, C2 CompilerThre), summed. */
export function threadCpuSeconds(pid) {
  const byName = new Map();
  let tasks = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tasks) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name =
        tid === String(pid)
          ? 'main thread'
          : stat
              .slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
              .replace(/[#-]?\d+$/, '')
              .trim();
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      byName.set(name, (byName.get(name) ?? 0) + seconds);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return byName;
}

/** Resident set size of `pid` in MiB, or undefined once gone. */
export function rssMiB(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * Samples a process's RSS every `everyMs` from start until stop(), so a run has an RSS-over-time
 * series and a peak; `mark(label)` opens a window whose CPU seconds and peak RSS `window(label)`
 * returns once `close(label)` ended it.
 */
export class ProcessSampler {
  constructor(pid, everyMs = 200) {
    this.pid = pid;
    this.startedAt = Date.now();
    this.series = []; // {t: seconds since start, rss: MiB}
    this.windows = new Map();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    this.sample();
  }

  sample() {
    const rss = rssMiB(this.pid);
    if (rss === undefined) return;
    this.series.push({ t: (Date.now() - this.startedAt) / 1000, rss });
    for (const window of this.windows.values()) if (window.end === undefined) window.peak = Math.max(window.peak, rss);
  }

  mark(label) {
    this.sample();
    this.windows.set(label, {
      cpu0: cpuSeconds(this.pid),
      threads0: threadCpuSeconds(this.pid),
      t0: performance.now(),
      peak: rssMiB(this.pid) ?? 0,
    });
  }

  close(label) {
    const window = this.windows.get(label);
    this.sample();
    window.end = performance.now();
    window.cpu = cpuSeconds(this.pid) - window.cpu0;
    window.threads = new Map();
    for (const [name, seconds] of threadCpuSeconds(this.pid)) {
      const used = seconds - (window.threads0.get(name) ?? 0);
      if (used > 0) window.threads.set(name, used);
    }
    return this.window(label);
  }

  window(label) {
    const w = this.windows.get(label);
    return { seconds: (w.end - w.t0) / 1000, cpuSeconds: w.cpu, peakRssMiB: w.peak, threads: w.threads };
  }

  stop() {
    clearInterval(this.timer);
    return this.series;
  }
}
