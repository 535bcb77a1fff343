import fs from 'node:fs';
import path from 'node:path';
import { requireService } from '@sluice/testkit';
import type { WorkerProcess } from '@sluice/worker';
import { startWorkerProcess } from '@sluice/worker';
import { restClient, until } from './rest-client';

/**
 * Starts worker `index` of the cluster `groupId` as a real sluice-worker process (state in
 * dir/w<index>), with the tests' 6 s session and a 1 s offset flush interval, so a file sink
 * writes what it got within a second and a round of a test settles within seconds.
 * SLUICE_CLUSTER_LOG_LEVEL (e.g. info) shows more of what the workers do than warnings.
 */
export function startClusterWorker(
  dir: string,
  index: number,
  groupId: string,
  port?: number,
  /** More worker settings (e.g. `pluginPath`). */
  extra: Record<string, unknown> = {},
): Promise<WorkerProcess> {
  return startWorkerProcess({
    stateDir: path.join(dir, `w${index}`),
    bootstrapServers: requireService('kafka'),
    connectors: {},
    ...(port === undefined ? {} : { port }),
    settings: {
      mode: 'distributed',
      groupId,
      cluster: { sessionTimeoutMs: 6000 },
      offsetFlushIntervalMs: 1000,
      ...(process.env.SLUICE_CLUSTER_LOG_LEVEL ? { logLevel: process.env.SLUICE_CLUSTER_LOG_LEVEL } : {}),
      ...extra,
    },
  });
}

/** With SLUICE_KEEP_LOGS set (a directory), writes each worker's output there as `<label>-w<i>.log`. */
export function keepLogs(label: string, workers: readonly (WorkerProcess | undefined)[]): void {
  const keep = process.env.SLUICE_KEEP_LOGS;
  if (!keep) return;
  for (const [i, worker] of workers.entries())
    fs.writeFileSync(path.join(keep, `${label}-w${i}.log`), worker?.output() ?? '');
}

/** Each worker's URL, whether it is still running (or its exit code or signal) and its last output. */
export function workersState(workers: readonly (WorkerProcess | undefined)[], tail = 2500): string {
  return workers
    .map((w, i) => {
      if (w === undefined) return `--- worker ${i}: not started`;
      const state = w.child.exitCode ?? w.child.signalCode ?? 'running';
      return `--- worker ${i} ${w.url} (${state}):\n${w.output().slice(-tail)}`;
    })
    .join('\n');
}

/**
 * Resolves once the cluster of `workers` has formed, as the first of them reports it: a leader
 * is known and every worker holds slots. A failed wait (a worker gone, or not formed in time)
 * says what each worker printed.
 */
export function clusterFormed(workers: readonly WorkerProcess[], timeoutMs = 90_000): Promise<void> {
  const call = restClient(() => (workers[0] as WorkerProcess).url);
  return until(
    async () => {
      const view = (await call('GET', '/sluice/cluster')).json();
      return view.leader !== null && view.workers.length === workers.length;
    },
    timeoutMs,
    () => workersState(workers),
  );
}
