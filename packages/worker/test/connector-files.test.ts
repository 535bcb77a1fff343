import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireService } from '@sluice/testkit';
import { startWorkerProcess } from '@sluice/worker';
import type { WorkerProcessOptions } from '@sluice/worker';

// A standalone worker restarted with the connector files it stored: a file whose config is
// stored as it is leaves the connector alone (its tasks start once, from the stored state);
// a changed file updates it. Runs the built worker (npx tsc -b) against the real broker.
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'connector-files-'));
afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

const messagesOf = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { message?: string; connector?: string })
    .filter((line) => line.connector === 'files-source')
    .map((line) => line.message);

describe('connector files on a standalone restart', () => {
  it('leaves a stored connector alone when its file says the same, and updates it when the file changed', async () => {
    const input = path.join(stateDir, 'in.txt');
    fs.writeFileSync(input, 'one\n');
    const config = { 'connector.class': 'FileStreamSource', file: input, topic: `files-${randomUUID()}` };
    const options = (connector: Record<string, string>): WorkerProcessOptions => ({
      stateDir,
      bootstrapServers: requireService('kafka'),
      settings: { logLevel: 'info' },
      connectors: { 'files-source': connector },
    });
    const runs: (string | undefined)[][] = [];
    for (const connector of [config, config, { ...config, 'batch.size': '500' }]) {
      const worker = await startWorkerProcess(options(connector));
      const status = await worker.get<{ tasks: { state: string }[] }>('/connectors/files-source/status');
      expect(await worker.stop()).toBe(0);
      expect(status.tasks.map((task) => task.state)).toEqual(['RUNNING']);
      runs.push(messagesOf(worker.output()).filter((m) => m?.startsWith('connector ')));
    }
    expect(runs).toEqual([['connector created'], ['connector unchanged'], ['connector updated']]);
  }, 90_000);
});
