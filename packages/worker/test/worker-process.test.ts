import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireService } from '@sluice/testkit';
import { startWorkerProcess } from '@sluice/worker';

// startWorkerProcess, which the crash tests and the demo use: a worker that cannot start its
// connectors is reported with its own words and leaves no process behind.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-process-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('startWorkerProcess', () => {
  it('rejects with the worker output when a connector file names an unknown class', async () => {
    const started = startWorkerProcess({
      stateDir: path.join(dir, 'unknown-class'),
      bootstrapServers: requireService('kafka'),
      connectors: { broken: { 'connector.class': 'NoSuchConnector', topics: 't' } },
      timeoutMs: 20_000,
    });
    await expect(started).rejects.toThrow(/sluice-worker exited \(\d+\):[\s\S]*NoSuchConnector/);
  });

  it('resolves once the tasks run, and stops gracefully with exit code 0', async () => {
    const input = path.join(dir, 'in.txt');
    fs.writeFileSync(input, 'a\nb\n');
    const worker = await startWorkerProcess({
      stateDir: path.join(dir, 'running'),
      bootstrapServers: requireService('kafka'),
      connectors: {
        lines: { 'connector.class': 'FileStreamSource', file: input, topic: `wp-${process.pid}-${Date.now()}` },
      },
    });
    const status = await worker.get<{ tasks: { state: string }[] }>('/connectors/lines/status');
    expect(status.tasks.map((task) => task.state)).toEqual(['RUNNING']);
    expect(await worker.stop()).toBe(0);
    expect(worker.child.exitCode).toBe(0);
  });
});
