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

/** The worker's `connector ...` lines for one connector. */
const connectorLines = (output: string, connector: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { message?: string; connector?: string })
    .filter((line) => line.connector === connector && line.message?.startsWith('connector '))
    .map((line) => line.message);

describe('connector files on a standalone restart', () => {
  it('leaves a stored connector alone when its file says the same, and updates it when the file changed', async () => {
    const input = path.join(stateDir, 'in.txt');
    fs.writeFileSync(input, 'one\n');
    const config = { 'connector.class': 'FileStreamSource', file: input, topic: `files-${randomUUID()}` };
    // a connector with a secret: its shown config hides the value, the comparison must not
    const hook = {
      'connector.class': 'WebhookSink',
      topics: `files-hook-${randomUUID()}`,
      url: 'http://127.0.0.1:9/',
      'auth.token': 'not-shown',
    };
    const options = (connector: Record<string, string>): WorkerProcessOptions => ({
      stateDir,
      bootstrapServers: requireService('kafka'),
      settings: { logLevel: 'info' },
      connectors: { 'files-source': connector, 'files-hook': hook },
    });
    const runs: (string | undefined)[][][] = [];
    for (const connector of [config, config, { ...config, 'batch.size': '500' }]) {
      const worker = await startWorkerProcess(options(connector));
      const status = await worker.get<{ tasks: { state: string }[] }>('/connectors/files-source/status');
      expect(await worker.stop()).toBe(0);
      expect(status.tasks.map((task) => task.state)).toEqual(['RUNNING']);
      runs.push(['files-source', 'files-hook'].map((name) => connectorLines(worker.output(), name)));
    }
    expect(runs).toEqual([
      [['connector created'], ['connector created']],
      [['connector unchanged'], ['connector unchanged']],
      [['connector updated'], ['connector unchanged']],
    ]);
  }, 90_000);
});
