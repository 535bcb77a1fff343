import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '@sluice/sdk';
import type { ConnectorCatalog } from '@sluice/runtime';
import { kafkaClientSettings } from '@sluice/runtime';
import { recordingLogger, requireService } from '@sluice/testkit';
import type { LogLevels, RestAuth } from '@sluice/worker';
import { createRestServer, fileBackedHerder, loadPlugins } from '@sluice/worker';
import { restClient } from './rest-client';

export const repo = path.resolve(__dirname, '..', '..', '..');

export interface TestWorkerOptions {
  /** Names the temporary directory and the Kafka client id. */
  readonly name: string;
  /** Default: the connector packages installed in the repository. */
  readonly catalog?: ConnectorCatalog;
  readonly log?: (connector: string, task?: number) => Logger;
  readonly logLevels?: LogLevels;
  readonly workerId?: string;
  readonly version?: string;
  readonly bodyLimit?: number;
  /** The REST layer's own log (operator changes, requests, failed logins). */
  readonly restLog?: Logger;
  readonly auth?: RestAuth;
}

/**
 * A standalone herder on the real broker behind the REST server, state in a temporary directory, listening
 * on a free port from beforeAll until afterAll (both registered here).
 */
export function testWorker(options: TestWorkerOptions) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${options.name}-`));
  const catalog = options.catalog ?? loadPlugins([repo]);
  const kafka = kafkaClientSettings(requireService('kafka'), `${options.name}-test`);
  const herder = fileBackedHerder({
    stateDir: dir,
    catalog,
    kafka,
    workerId: options.workerId ?? 'w',
    log: options.log ?? (() => recordingLogger()),
    commitIntervalMs: 200,
  });
  const app = createRestServer({
    herder,
    version: options.version ?? '0',
    ...(options.logLevels ? { logLevels: options.logLevels } : {}),
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.restLog ? { log: options.restLog } : {}),
    ...(options.auth ? { auth: options.auth } : {}),
  });
  let base = '';
  beforeAll(async () => {
    await herder.start();
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await herder.stop();
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir, kafka, herder, app, base: () => base, call: restClient(() => base) };
}
