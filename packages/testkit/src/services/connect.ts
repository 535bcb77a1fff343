import { spawn } from 'node:child_process';
import path from 'node:path';

export interface ConnectWorkerOptions {
  /** The checkout whose `scripts/services/connect.mjs` downloads and starts Connect. */
  readonly repoRoot: string;
  /** `distributed` (default): its own group id and internal topics; `standalone`: offsets in a file. */
  readonly mode?: 'distributed' | 'standalone';
  /** REST port; default: a free one. */
  readonly port?: number;
  /** Default: KAFKA_BOOTSTRAP_SERVERS. */
  readonly bootstrapServers?: string;
  readonly groupId?: string;
  /** JVM heap (-Xmx); default 384m: the machine is shared. */
  readonly heap?: string;
  /** Extra worker properties, over the script's (e.g. `offset.flush.interval.ms`). */
  readonly workerProps?: Readonly<Record<string, string>>;
}

/** A running Apache Kafka Connect worker. */
export interface ConnectWorker {
  readonly url: string;
  readonly pid: number;
  readonly mode: 'distributed' | 'standalone';
  readonly groupId: string;
  readonly version: string;
  readonly logFile: string;
  /** The `java` the worker runs on (a JDK's, with `javac` beside it) and the worker's jars. */
  readonly java: string;
  readonly classpath: string;
  /** From the script's start to GET /health answering 200, download excluded after the first. */
  readonly startedInMs: number;
  /** SIGTERM, SIGKILL after 30 s; resolves once the JVM is gone. */
  stop(): Promise<void>;
}

interface Described {
  url: string;
  pid: number;
  mode: 'distributed' | 'standalone';
  groupId: string;
  version: string;
  logFile: string;
  marker: string;
  java: string;
  classpath: string;
  startedInMs: number;
}

const running = new Set<number>();
// A test that fails between start and stop must not leave a JVM behind on a shared machine.
process.once('exit', () => running.forEach((pid) => tryKill(pid)));

/**
 * Starts a real Apache Kafka Connect worker (4.1.x from Maven Central jars, FileStream connectors
 * in its plugin.path) with the repository's script, and resolves once it answers GET /health.
 * Java or Maven missing, a failed download or a worker that does not start is an error, never a
 * skip.
 */
export async function startConnectWorker(options: ConnectWorkerOptions): Promise<ConnectWorker> {
  const args = ['start', '--json', '--mode', options.mode ?? 'distributed', '--heap', options.heap ?? '384m'];
  if (options.port !== undefined) args.push('--port', String(options.port));
  if (options.groupId !== undefined) args.push('--group-id', options.groupId);
  if (options.bootstrapServers !== undefined) args.push('--bootstrap-servers', options.bootstrapServers);
  if (options.workerProps !== undefined) args.push('--props', JSON.stringify(options.workerProps));
  const output = await runScript(options.repoRoot, args);
  const line = output.trim().split('\n').at(-1) ?? '';
  const described = JSON.parse(line) as Described;
  running.add(described.pid);
  return {
    url: described.url,
    pid: described.pid,
    mode: described.mode,
    groupId: described.groupId,
    version: described.version,
    logFile: described.logFile,
    java: described.java,
    classpath: described.classpath,
    startedInMs: described.startedInMs,
    stop: async () => {
      await runScript(options.repoRoot, ['stop', '--pid', String(described.pid), '--marker', described.marker]);
      running.delete(described.pid);
    },
  };
}

function runScript(repoRoot: string, args: string[]): Promise<string> {
  const script = path.join(repoRoot, 'scripts', 'services', 'connect.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`connect.mjs ${args[0]} failed (exit ${code}):\n${stderr.trim() || stdout.trim()}`));
    });
  });
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
