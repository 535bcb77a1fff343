import fs from 'node:fs';
import path from 'node:path';
import { requireService } from '@sluice/testkit';
import type { WorkerProcess } from '@sluice/worker';
import { startWorkerProcess } from '@sluice/worker';
import type { Receiver } from '../../../connectors/webhook-sink/test/receiver';
import { startReceiver } from '../../../connectors/webhook-sink/test/receiver';
import { call, installInto, pack, produce, tempDir, until, writePackage } from './npm-packages';

// Connector packages as operators get them: packed with `npm pack`, installed with npm into a
// plugin directory outside the repository, used by a real sluice-worker process started in yet
// another directory. Needs `npx tsc -b` first (the worker bin and the connector's dist).
const repo = path.resolve(__dirname, '..', '..', '..');
const run = `${process.pid}-${Date.now()}`;
const workers: WorkerProcess[] = [];
let receiver: Receiver | undefined;
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await receiver?.close();
});

interface PluginLists {
  plugins: { class: string; alias: string; version: string; location?: string }[];
  broken: { class: string; reason: string }[];
}

async function worker(pluginDir: string): Promise<WorkerProcess> {
  const started = await startWorkerProcess({
    stateDir: tempDir('plugin-worker-state'),
    bootstrapServers: requireService('kafka'),
    connectors: {},
    settings: { pluginPath: [pluginDir], offsetFlushIntervalMs: 500 },
    cwd: tempDir('plugin-worker-cwd'), // neither the repository nor the plugin directory
  });
  workers.push(started);
  return started;
}

/** A worker's connector statuses and log, for a failure message. */
const diagnosis = (w: WorkerProcess) => async () => {
  const names = await w.get<string[]>('/connectors');
  const statuses = await Promise.all(names.map((name) => w.get(`/connectors/${name}/status`)));
  return `statuses: ${JSON.stringify(statuses)}\nworker output:\n${w.output().slice(-4000)}`;
};

const taskStates = async (w: WorkerProcess, name: string) =>
  ((await w.get<{ tasks?: { state: string }[] }>(`/connectors/${name}/status`)).tasks ?? []).map((t) => t.state);

describe('a connector packed and installed with npm into a plugin directory', () => {
  it('loads with the worker own SDK, runs, retries a 503, and a broken plugin beside it harms nothing', async () => {
    const pluginDir = tempDir('plugins');
    installInto(pluginDir, pack(path.join(repo, 'connectors', 'webhook-sink'), tempDir('tarballs')));
    // the SDK is a peer dependency the worker provides: npm installed no copy of it
    expect(fs.existsSync(path.join(pluginDir, 'node_modules', '@sluice', 'webhook-sink', 'dist', 'index.js'))).toBe(
      true,
    );
    expect(fs.existsSync(path.join(pluginDir, 'node_modules', '@sluice', 'sdk'))).toBe(false);
    writePackage(
      path.join(pluginDir, 'broken-sink'),
      { name: 'broken-sink', version: '1.0.0', sluice: { kind: 'sink', alias: 'BrokenSink', entry: './index.js' } },
      { 'index.js': "require('a-dependency-nobody-installed');" },
    );

    const w = await worker(pluginDir);
    const lists = await w.get<PluginLists>('/sluice/plugins');
    expect(lists.plugins).toContainEqual({
      class: '@sluice/webhook-sink',
      alias: 'WebhookSink',
      type: 'sink',
      version: '0.1.0',
      location: path.join(pluginDir, 'node_modules', '@sluice', 'webhook-sink'),
    });
    expect(lists.plugins.map((plugin) => plugin.alias)).toContain('FileStreamSink'); // the worker's own
    expect(lists.broken).toEqual([
      expect.objectContaining({ class: 'broken-sink', reason: expect.stringMatching(/Cannot find module/) }),
    ]);
    const connectorPlugins = await call(w.url, 'GET', '/connector-plugins');
    expect(connectorPlugins.status).toBe(200);
    expect((connectorPlugins.body as { alias: string }[]).map((plugin) => plugin.alias)).toContain('WebhookSink');
    const refused = await call(w.url, 'POST', '/connectors', {
      name: 'uses-broken',
      config: { 'connector.class': 'BrokenSink', topics: 'x' },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/BrokenSink is installed but cannot be used: .*Cannot find module/);

    receiver = await startReceiver();
    receiver.mode = 503; // the endpoint is down when the first records come
    const topic = `webhook-${run}`;
    const created = await call(w.url, 'POST', '/connectors', {
      name: 'hook',
      config: {
        'connector.class': 'WebhookSink',
        topics: topic,
        url: receiver.url,
        'batch.size': '4',
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable': 'false',
      },
    });
    expect(created.status).toBe(201);
    await produce(
      topic,
      Array.from({ length: 10 }, (_, n) => ({ n })),
    );
    const down = receiver;
    await until(
      '503 answers',
      () => down.requests.filter((r) => r.status === 503).length,
      (count) => count >= 2,
      diagnosis(w),
    );
    expect(await taskStates(w, 'hook')).toEqual(['RUNNING']); // retried, not failed
    receiver.mode = 'ok';
    const values = await until(
      'all 10 records delivered',
      () => [...new Set(down.accepted().map((record) => JSON.stringify(record.value)))].sort(),
      (seen) => seen.length >= 10,
      diagnosis(w),
    );
    expect(values).toEqual(Array.from({ length: 10 }, (_, n) => JSON.stringify({ n })).sort());
    expect(await taskStates(w, 'hook')).toEqual(['RUNNING']);
  }, 180_000);
});

/** A tiny sink package: appends `<tag> <value as JSON>` per record to its `file`. */
function hotSinkPackage(dir: string, version: string, tag: string): string {
  return writePackage(
    dir,
    {
      name: 'hot-file-sink',
      version,
      main: 'index.js',
      sluice: { kind: 'sink', alias: 'HotSink', entry: './index.js' },
      peerDependencies: { '@sluice/sdk': '^0.1.0' },
      peerDependenciesMeta: { '@sluice/sdk': { optional: true } },
    },
    {
      'index.js': `const fs = require('node:fs');
const { Type, defineSink } = require('@sluice/sdk');
module.exports = defineSink({
  name: 'HotSink', version: '${version}', description: 'test sink', config: Type.Object({ file: Type.String() }),
  async createTask(config) {
    return {
      async put(records) { for (const r of records) fs.appendFileSync(config.file, '${tag} ' + JSON.stringify(r.value) + '\\n'); },
      async flush() {},
      async close() {},
    };
  },
});
`,
    },
  );
}

describe('a running worker', () => {
  it('uses a plugin installed after it started, and an upgrade from the connector restart on', async () => {
    const pluginDir = tempDir('hot-plugins');
    const tarballs = tempDir('hot-tarballs');
    const w = await worker(pluginDir);
    const aliases = async () =>
      ((await call(w.url, 'GET', '/connector-plugins')).body as { alias: string }[]).map((p) => p.alias);
    expect(await aliases()).not.toContain('HotSink');

    installInto(pluginDir, pack(hotSinkPackage(path.join(tarballs, 'v1'), '1.0.0', 'v1'), tarballs));
    const reload = await call(w.url, 'POST', '/sluice/plugins/reload');
    expect(reload.status).toBe(200);
    expect(reload.body).toMatchObject({ added: ['hot-file-sink'], upgraded: [], removed: [], broken: [] });
    expect(await aliases()).toContain('HotSink');

    const topic = `hot-${run}`;
    const file = path.join(tempDir('hot-out'), 'out.txt');
    const config = {
      'connector.class': 'HotSink',
      topics: topic,
      file,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    };
    expect((await call(w.url, 'POST', '/connectors', { name: 'hot', config })).status).toBe(201);
    const lines = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : []);
    await produce(topic, [{ n: 1 }, { n: 2 }]);
    await until('v1 lines', lines, (seen) => seen.length >= 2, diagnosis(w));

    installInto(pluginDir, pack(hotSinkPackage(path.join(tarballs, 'v2'), '1.1.0', 'v2'), tarballs));
    expect((await call(w.url, 'POST', '/sluice/plugins/reload')).body).toMatchObject({
      added: [],
      upgraded: ['hot-file-sink'],
      removed: [],
    });
    const listed = await w.get<PluginLists>('/sluice/plugins');
    expect(listed.plugins.find((plugin) => plugin.alias === 'HotSink')?.version).toBe('1.1.0');
    await produce(topic, [{ n: 3 }]);
    await until('a line from the running task', lines, (seen) => seen.length >= 3, diagnosis(w));
    expect(lines()).toEqual(['v1 {"n":1}', 'v1 {"n":2}', 'v1 {"n":3}']); // running tasks keep their code

    expect((await call(w.url, 'POST', '/connectors/hot/restart')).status).toBe(204);
    await until(
      'the restarted task',
      () => taskStates(w, 'hot'),
      (states) => states.join() === 'RUNNING',
      diagnosis(w),
    );
    await produce(topic, [{ n: 4 }]);
    const after = await until(
      'a line from the upgraded task',
      lines,
      (seen) => seen.includes('v2 {"n":4}'),
      diagnosis(w),
    );
    expect(after.filter((line) => line.startsWith('v2 '))).toEqual(['v2 {"n":4}']);
  }, 180_000);
});
