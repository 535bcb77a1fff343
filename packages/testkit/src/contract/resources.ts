import fs from 'node:fs';

/**
 * The process's active handles and requests by type (sockets, timers, pending I/O), as Node
 * reports them, plus its open file descriptors (`fd`, where /proc tells: an idle open file is not
 * an active handle). Comparing a snapshot before a task is created with one after it is closed
 * shows whether close() released everything.
 */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  if (fs.existsSync('/proc/self/fd')) counts.fd = fs.readdirSync('/proc/self/fd').length;
  return counts;
}

/** Resources present in `after` beyond `before`, e.g. { FileHandle: 1 }; empty when none leaked. */
export function leakedResources(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const leaked: Record<string, number> = {};
  for (const [name, count] of Object.entries(after)) {
    const extra = count - (before[name] ?? 0);
    if (extra > 0) leaked[name] = extra;
  }
  return leaked;
}

/** Lets pending closes and timers settle before a snapshot. */
export function settle(ms = 50): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
