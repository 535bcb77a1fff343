import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface WorkerHandle {
  readonly url: string;
  /** GET a REST resource of the worker as JSON. */
  get<T>(resource: string): Promise<T>;
  /** SIGTERM, then waits for the graceful exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `sluice-worker` (standalone) as its own process with the given connector files, as an
 * operator would, and waits until its REST API answers and every connector's tasks run.
 */
export async function startWorker(options: {
  repoRoot: string;
  stateDir: string;
  port: number;
  bootstrapServers: string;
  connectors: Record<string, Record<string, string>>;
}): Promise<WorkerHandle> {
  fs.mkdirSync(options.stateDir, { recursive: true });
  const workerFile = path.join(options.stateDir, 'worker.json');
  fs.writeFileSync(
    workerFile,
    JSON.stringify({
      bootstrapServers: options.bootstrapServers,
      stateDir: options.stateDir,
      rest: { port: options.port },
      offsetFlushIntervalMs: 1000,
      logLevel: 'warn',
    }),
  );
  const connectorFiles = Object.entries(options.connectors).map(([name, config]) => {
    const file = path.join(options.stateDir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({ name, config }));
    return file;
  });
  const bin = path.join(options.repoRoot, 'packages', 'worker', 'bin', 'sluice-worker.js');
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', workerFile, ...connectorFiles], {
    cwd: options.repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${options.port}`;
  const get = async <T>(resource: string): Promise<T> => (await (await fetch(`${url}${resource}`)).json()) as T;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sluice-worker exited (${child.exitCode}): ${stderr}`);
    if (Date.now() > deadline)
      throw new Error(`sluice-worker did not get its connectors running within 60 s: ${stderr}`);
    try {
      const states = await Promise.all(
        Object.keys(options.connectors).map((name) =>
          get<{ tasks: { state: string }[] }>(`/connectors/${name}/status`),
        ),
      );
      if (states.every((status) => status.tasks.length > 0 && status.tasks.every((task) => task.state === 'RUNNING')))
        break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    get,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
