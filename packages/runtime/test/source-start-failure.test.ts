import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Type, defineSource } from '@sluice/sdk';
import { FileOffsetStore, SourceTaskRunner, kafkaClientSettings } from '@sluice/runtime';
import { recordingLogger, requireService } from '@sluice/testkit';

// A source task whose creation fails (e.g. its database unreachable) is FAILED with the trace,
// as in Connect, instead of failing the runner's start (and with it a worker's startup).
const Unreachable = defineSource({
  name: 'UnreachableSource',
  version: '0.0.1',
  description: 'Cannot reach its source system.',
  config: Type.Object({}),
  async createTask() {
    throw new Error('connect ECONNREFUSED 127.0.0.1:1');
  },
});

it('a source task that cannot be created is FAILED with its trace', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-failure-'));
  let failed = 0;
  const runner = new SourceTaskRunner({
    connectorName: `unreachable-${randomUUID()}`,
    taskId: 0,
    connector: Unreachable,
    config: {},
    taskConfig: {},
    kafka: kafkaClientSettings(requireService('kafka'), 'start-failure'),
    offsets: new FileOffsetStore(path.join(dir, 'offsets.json')),
    log: recordingLogger(),
    onFailed: () => (failed += 1),
  });
  await runner.start();
  expect(runner.status.state).toBe('FAILED');
  expect(runner.status.trace).toContain('connect ECONNREFUSED 127.0.0.1:1');
  expect(failed).toBe(1);
  await runner.stop();
  expect(runner.status.state).toBe('FAILED');
  fs.rmSync(dir, { recursive: true, force: true });
});
