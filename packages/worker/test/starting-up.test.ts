import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kafkaClientSettings } from '@sluice/runtime';
import { recordingLogger, requireService } from '@sluice/testkit';
import { createRestServer, fileBackedHerder, loadPlugins } from '@sluice/worker';
import { repo } from './test-worker';

// The REST API listens before the herder has read the stored connectors (a distributed worker
// reads the config topic to its end first): reads answer 503 until then, never an empty list.
describe('reads while the worker starts up', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'starting-up-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('answers 503 to connector reads until the stored connectors were read, then the list', async () => {
    const herder = fileBackedHerder({
      stateDir: dir,
      catalog: loadPlugins([repo]),
      kafka: kafkaClientSettings(requireService('kafka'), 'starting-up-test'),
      workerId: 'w',
      log: () => recordingLogger(),
    });
    const app = createRestServer({ herder, version: '0' });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const early = await fetch(`${base}/connectors?expand=status`);
      expect(early.status).toBe(503);
      expect(await early.json()).toEqual({ error_code: 503, message: expect.stringMatching(/still starting up/) });
      expect((await fetch(`${base}/health`)).status).toBe(200); // not a read of the connectors
      await herder.start();
      const later = await fetch(`${base}/connectors`);
      expect([later.status, await later.json()]).toEqual([200, []]);
    } finally {
      await herder.stop();
      await app.close();
    }
  });
});
