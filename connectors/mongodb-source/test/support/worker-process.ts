import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

/** A `sluice-worker` process (built output: run `npx tsc -b` first) that a test may kill -9. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  stderr(): string;
  /** Connector status as the REST API reports it. */
  status(connector: string): Promise<{ tasks: { state: string; trace?: string }[] }>;
}

type TaskStates = readonly { state: string; trace?: string }[];

/**
 * Starts a standalone worker over `stateDir` with one connector; resolves once its REST API
 * reports tasks in the states `ready` wants (default: all RUNNING).
 */
export async function startWorkerProcess(
  stateDir: string,
  port: number,
  bootstrapServers: string,
  connector: { name: string; config: Record<string, string> },
  ready: (tasks: TaskStates) => boolean = (tasks) => tasks.length > 0 && tasks.every((t) => t.state === 'RUNNING'),
): Promise<WorkerProcess> {
  fs.mkdirSync(stateDir, { recursive: true });
  const workerFile = path.join(stateDir, 'worker.json');
  fs.writeFileSync(workerFile, JSON.stringify({ bootstrapServers, stateDir, rest: { port }, logLevel: 'warn' }));
  const connectorFile = path.join(stateDir, `${connector.name}.json`);
  fs.writeFileSync(connectorFile, JSON.stringify(connector));
  const bin = path.join(repoRoot, 'packages', 'worker', 'bin', 'sluice-worker.js');
  const child = spawn(process.execPath, [bin, '--config', workerFile, connectorFile], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = async (name: string) =>
    (await (await fetch(`http://127.0.0.1:${port}/connectors/${name}/status`)).json()) as {
      tasks: { state: string; trace?: string }[];
    };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sluice-worker exited (${child.exitCode}): ${stderr}`);
    if (Date.now() > deadline) throw new Error(`sluice-worker did not answer within 30 s: ${stderr}`);
    const tasks: TaskStates = await status(connector.name).then(
      (answer) => answer.tasks ?? [],
      () => [],
    );
    if (ready(tasks)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, stderr: () => stderr, status };
}

/** SIGKILL: no shutdown hook, no flush, no offset store. Resolves once the process is gone. */
export function killHard(worker: WorkerProcess): Promise<void> {
  return new Promise((resolve) => {
    worker.child.once('exit', () => resolve());
    worker.child.kill('SIGKILL');
  });
}
