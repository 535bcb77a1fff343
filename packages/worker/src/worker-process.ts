import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A task's state as `GET /connectors/{name}/status` reports it. */
export interface TaskState {
  readonly state: string;
  readonly trace?: string;
}

export interface WorkerProcessOptions {
  /** Holds worker.json, one file per connector and the worker's state (offsets, configs). */
  readonly stateDir: string;
  readonly bootstrapServers: string;
  /** REST port; default: a free one. */
  readonly port?: number;
  /** Connector name → config, each passed to the worker as a connector file. */
  readonly connectors: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Worker settings over `{bootstrapServers, stateDir, rest.port, logLevel: 'warn'}`. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** When a connector counts as started, from its tasks; default: at least one, all RUNNING. */
  readonly ready?: (tasks: readonly TaskState[]) => boolean;
  /** How long the connectors may take to be ready; default 60 s. */
  readonly timeoutMs?: number;
  /** The directory the worker runs in; default this process's. */
  readonly cwd?: string;
}

/** A running `sluice-worker` process. */
export interface WorkerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** What the process wrote so far (its JSON log lines on stdout, and stderr). */
  output(): string;
  /** GET a REST resource as JSON. */
  get<T>(resource: string): Promise<T>;
  /** SIGTERM (graceful shutdown); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (no shutdown hook, no flush); resolves once the process is gone. */
  kill(): Promise<void>;
}

const BIN = path.join(__dirname, '..', 'bin', 'sluice-worker.js');
const running = new Set<ChildProcess>();
// A caller that fails between start and stop must not leave a worker behind: the children are
// unreferenced (they never keep this process alive) and killed when this process exits.
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * Starts `sluice-worker` in standalone mode as its own process (the built bin, as an operator
 * runs it: `npx tsc -b` first inside this repository) with the given connector files, and
 * resolves once every connector is ready. Rejects with the process's output if it exits first
 * or is not ready in time (and then kills it).
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const port = options.port ?? (await freePort());
  const args = ['--config', writeWorkerFile(options, port), ...writeConnectorFiles(options)];
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.unref();
  let output = '';
  for (const stream of [child.stdout, child.stderr] as (net.Socket | null)[]) {
    stream?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    stream?.unref();
  }
  const worker = workerHandle(child, `http://127.0.0.1:${port}`, () => output);
  try {
    await untilReady(worker, options);
    return worker;
  } catch (error) {
    await worker.kill();
    throw error;
  }
}

function writeWorkerFile(options: WorkerProcessOptions, port: number): string {
  fs.mkdirSync(options.stateDir, { recursive: true });
  const file = path.join(options.stateDir, 'worker.json');
  const base = { bootstrapServers: options.bootstrapServers, stateDir: options.stateDir, logLevel: 'warn' };
  const rest = { ...(options.settings?.rest as object | undefined), port }; // other rest.* settings kept
  fs.writeFileSync(file, JSON.stringify({ ...base, ...options.settings, rest }));
  return file;
}

function writeConnectorFiles(options: WorkerProcessOptions): string[] {
  return Object.entries(options.connectors).map(([name, config]) => {
    const file = path.join(options.stateDir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({ name, config }));
    return file;
  });
}

function workerHandle(child: ChildProcess, url: string, output: () => string): WorkerProcess {
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  return {
    url,
    child,
    output,
    get: async <T>(resource: string) => (await (await fetch(`${url}${resource}`)).json()) as T,
    // referenced again while the caller waits for the exit, so this process lives to see it
    stop: () => (child.ref(), child.kill('SIGTERM'), exited),
    kill: async () => void (child.ref(), child.kill('SIGKILL'), await exited),
  };
}

async function untilReady(worker: WorkerProcess, options: WorkerProcessOptions): Promise<void> {
  const ready = options.ready ?? ((tasks) => tasks.length > 0 && tasks.every((task) => task.state === 'RUNNING'));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const tasksOf = (name: string) =>
    worker.get<{ tasks?: TaskState[] }>(`/connectors/${encodeURIComponent(name)}/status`).then(
      (status) => status.tasks ?? [],
      () => [], // not listening yet
    );
  for (;;) {
    const { exitCode, signalCode } = worker.child;
    if (exitCode !== null || signalCode !== null)
      throw new Error(`sluice-worker exited (${exitCode ?? signalCode}): ${worker.output()}`);
    if (Date.now() > deadline)
      throw new Error(`sluice-worker's connectors were not ready within ${timeoutMs} ms: ${worker.output()}`);
    const listening = await worker.get('/health').then(
      () => true,
      () => false,
    );
    const states = await Promise.all(Object.keys(options.connectors).map(tasksOf));
    if (listening && states.every(ready)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A TCP port free on 127.0.0.1 right now (for a worker, a test server, a benchmark). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}
