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

/** What the process holds at one moment: counts by type, and the handle objects themselves. */
export interface ResourceSnapshot {
  readonly counts: Record<string, number>;
  /** Held weakly: a snapshot must not keep what it saw alive. */
  readonly handles: WeakSet<object>;
  /** Timers made through the global setTimeout/setInterval since the snapshot (Node lists no timer objects). */
  readonly timers: Set<{ unref(): unknown }>;
}

const timerSets = new Set<Set<{ unref(): unknown }>>();

/**
 * Records every timer made through the global `setTimeout` and `setInterval` while a snapshot is
 * open, so the ones a task leaves behind can be unref'd. Installed once, it only adds the timer
 * to the open snapshots' sets.
 */
function recordTimers(): void {
  const global = globalThis as unknown as Record<'setTimeout' | 'setInterval', (...args: unknown[]) => unknown>;
  for (const name of ['setTimeout', 'setInterval'] as const) {
    const original = global[name];
    if ((original as { sluiceRecorded?: boolean }).sluiceRecorded) continue;
    const recorded = (...args: unknown[]) => {
      const timer = original(...args) as { unref?(): unknown };
      if (typeof timer?.unref === 'function') for (const set of timerSets) set.add(timer as { unref(): unknown });
      return timer;
    };
    // the same function otherwise: util.promisify(setTimeout) and the like keep working
    Object.defineProperties(recorded, Object.getOwnPropertyDescriptors(original));
    global[name] = Object.assign(recorded, { sluiceRecorded: true });
  }
}

type Handle = { unref?: () => void; hasRef?: () => boolean; constructor: { name: string } };

/**
 * The handle objects keeping the event loop alive. Node lists them only through an internal
 * function (`process._getActiveHandles`, there since Node 0.x); without it, none (counts still work).
 */
function handles(): Handle[] {
  const list = (process as unknown as { _getActiveHandles?: () => Handle[] })._getActiveHandles;
  return typeof list === 'function' ? list.call(process) : [];
}

export function snapshotResources(): ResourceSnapshot {
  recordTimers();
  const timers = new Set<{ unref(): unknown }>();
  timerSets.add(timers);
  return { counts: activeResources(), handles: new WeakSet(handles()), timers };
}

/**
 * Unrefs every handle opened since `before` (sockets, servers, and timers made through the global
 * setTimeout/setInterval) a test left behind, so they cannot keep jest running after the tests
 * end, and closes the snapshot; returns how each socket or server looked, e.g.
 * `Socket 127.0.0.1:40112 -> 127.0.0.1:8080`, for the failure message.
 */
export function releaseNewHandles(before: ResourceSnapshot): string[] {
  const left = handles().filter((handle) => !before.handles.has(handle) && handle.hasRef?.() !== false);
  for (const handle of left) handle.unref?.();
  for (const timer of before.timers) timer.unref(); // cleared or fired ones too: harmless
  timerSets.delete(before.timers);
  return left.map(describe);
}

/**
 * Waits, up to `ms`, until nothing opened since `before` is open any more: a close may hand its
 * last release to a timer or callback that runs a moment later (and a loaded machine delays it).
 * What is still open then is a leak for expectNothingLeaked to name.
 */
export async function settleSince(before: ResourceSnapshot, ms = 1000): Promise<void> {
  const deadline = Date.now() + ms;
  await settle();
  while (Object.keys(leakedSince(before)).length > 0 && Date.now() < deadline) await settle();
}

/**
 * Timers made through the global setTimeout/setInterval since `before` that are still pending
 * and keep the process alive (not cleared, not fired, not unref'd). Counted from the timers
 * themselves: a count of `Timeout` handles by type misses a leaked interval whenever another
 * timer that was pending at the snapshot has fired since.
 */
function liveTimers(before: ResourceSnapshot): number {
  type NodeTimer = { _destroyed?: boolean; hasRef?: () => boolean };
  return [...(before.timers as Set<NodeTimer>)].filter((t) => t._destroyed === false && t.hasRef?.() !== false).length;
}

/** What is open beyond `before`: the counts by type, with `Timeout` at least the live timers made since. */
function leakedSince(before: ResourceSnapshot): Record<string, number> {
  const leaked = leakedResources(before.counts, activeResources());
  const timers = liveTimers(before);
  if (timers > (leaked.Timeout ?? 0)) leaked.Timeout = timers;
  return leaked;
}

/**
 * Throws when something opened since `before` is still open, naming each kind and each handle
 * (the handles are unref'd first, so a leak fails this test instead of hanging the run).
 */
export function expectNothingLeaked(before: ResourceSnapshot, after: string): void {
  const leaked = leakedSince(before); // before the handles are unref'd
  const described = releaseNewHandles(before);
  if (Object.keys(leaked).length === 0) return;
  const kinds = Object.entries(leaked).map(([kind, count]) => `${count} ${kind}`);
  throw new Error(
    `${after} left open: ${kinds.join(', ')}${described.length > 0 ? ` (${described.join('; ')})` : ''}. ` +
      'close() must release every client, connection pool, socket, server, timer and file the task opened ' +
      '(the `fd` count includes files and sockets); e.g. end a client, destroy an http.Agent, clear a timer.',
  );
}

function describe(handle: Handle): string {
  const name = handle.constructor.name;
  const socket = handle as { remoteAddress?: string; remotePort?: number; localAddress?: string; localPort?: number };
  if (socket.remoteAddress !== undefined) {
    return `${name} ${socket.localAddress}:${socket.localPort} -> ${socket.remoteAddress}:${socket.remotePort}`;
  }
  return name;
}
