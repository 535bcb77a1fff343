import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import FileStreamSink from '@sluice/file-sink';
import FileStreamSource from '@sluice/file-source';
import { ConfigError } from '@sluice/sdk';
import {
  ConnectorCatalog,
  ConnectorExistsError,
  ConnectorNotFoundError,
  FileConfigStore,
  FileOffsetStore,
  KafkaAdmin,
  StandaloneHerder,
  kafkaClientSettings,
} from '@sluice/runtime';
import { recordingLogger, requireService, eventually as until } from '@sluice/testkit';

// Standalone mode end to end on the real broker: two connectors submitted as Connect configs,
// driven through their lifecycle, and a second runtime resuming from the stored state.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'standalone-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const catalog = new ConnectorCatalog([
  { packageName: '@sluice/file-source', connector: FileStreamSource },
  { packageName: '@sluice/file-sink', connector: FileStreamSink },
]);

function runtime(stateDir: string): StandaloneHerder {
  return new StandaloneHerder({
    workerId: 'w',
    catalog,
    kafka: kafkaClientSettings(requireService('kafka'), 'standalone-test'),
    configs: new FileConfigStore(path.join(stateDir, 'connectors.json')),
    offsets: new FileOffsetStore(path.join(stateDir, 'offsets.json')),
    log: () => recordingLogger(),
    commitIntervalMs: 100,
  });
}

const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
const append = (file: string, from: number, count: number) =>
  fs.appendFileSync(file, Array.from({ length: count }, (_, i) => `line ${from + i}\n`).join(''));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('StandaloneHerder (real broker)', () => {
  const id = randomUUID().slice(0, 8);
  const stateDir = path.join(dir, 'state');
  const input = path.join(dir, 'in.txt');
  const output = path.join(dir, 'out.txt');
  const topic = `standalone-${id}`;
  const sourceConfig = {
    name: `src-${id}`,
    'connector.class': 'FileStreamSource',
    file: input,
    topic,
    'poll.interval.ms': '20',
    'value.converter': 'string',
  };
  const sinkConfig = {
    name: `sink-${id}`,
    'connector.class': '@sluice/file-sink',
    topics: topic,
    file: output,
    'value.converter': 'string',
    'key.converter': 'string',
  };

  it('runs submitted connectors through pause, resume, stop, restart and a new process', async () => {
    const admin = new KafkaAdmin(kafkaClientSettings(requireService('kafka'), 'standalone-admin'));
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
    admin.close();
    append(input, 0, 100);
    const first = runtime(stateDir);
    await first.start();
    await first.createConnector(sourceConfig, 'STARTED');
    expect((await first.putConnectorConfig(sinkConfig.name, sinkConfig)).created).toBe(true);
    await until(() => lines(output).length === 100);
    expect(first.connectorStatus(`src-${id}`)).toEqual({
      name: `src-${id}`,
      type: 'source',
      connector: { state: 'RUNNING', worker_id: 'w', version: FileStreamSource.version },
      tasks: [{ id: 0, state: 'RUNNING', worker_id: 'w', version: FileStreamSource.version }],
    });
    await expect(first.createConnector(sourceConfig, 'STARTED')).rejects.toBeInstanceOf(ConnectorExistsError);
    // the file has the lines once flushed; the commit after that flush counts once the broker confirmed it
    const sinkCommits = () => first.taskMetrics().find((m) => m.type === 'sink')?.metrics.offsetCommits ?? 0;
    await until(() => sinkCommits() > 0);
    const figures = Object.fromEntries(first.taskMetrics().map((m) => [m.type, m.metrics]));
    expect(figures.source).toMatchObject({ recordsIn: 100, recordsOut: 100, errantRecords: 0 });
    expect(figures.sink).toMatchObject({ recordsIn: 100, recordsOut: 100, offsetCommitFailures: 0 });
    expect(figures.sink?.offsetCommits).toBeGreaterThan(0);

    await first.pauseConnector(`src-${id}`);
    await first.settled(`src-${id}`);
    append(input, 100, 50);
    await sleep(800);
    expect(lines(output)).toHaveLength(100); // paused: nothing new moves
    expect(first.connectorStatus(`src-${id}`).tasks[0]?.state).toBe('PAUSED');
    await first.resumeConnector(`src-${id}`);
    await until(() => lines(output).length === 150);

    await first.stopConnector(`sink-${id}`);
    await first.settled(`sink-${id}`);
    expect(first.connectorStatus(`sink-${id}`)).toMatchObject({ connector: { state: 'STOPPED' }, tasks: [] });
    append(input, 150, 50);
    await sleep(500);
    expect(lines(output)).toHaveLength(150);
    await first.resumeConnector(`sink-${id}`);
    await until(() => lines(output).length === 200);
    await first.restartTask(`src-${id}`, 0);
    await first.pauseConnector(`sink-${id}`);
    await first.stop();

    // a new process: configs, target states and offsets come back from the state directory
    append(input, 200, 50);
    const second = runtime(stateDir);
    await second.start();
    expect(second.connectors()).toEqual([`sink-${id}`, `src-${id}`].sort());
    expect(second.connectorStatus(`sink-${id}`).connector.state).toBe('PAUSED');
    await second.resumeConnector(`sink-${id}`);
    await until(() => lines(output).length === 250);
    await sleep(300);
    expect(lines(output)).toEqual(Array.from({ length: 250 }, (_, i) => `line ${i}`));

    await second.deleteConnector(`src-${id}`);
    expect(second.connectors()).toEqual([`sink-${id}`]);
    expect(() => second.connectorStatus(`src-${id}`)).toThrow(ConnectorNotFoundError);
    await second.stop();
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(stateDir, 'connectors.json'), 'utf8')))).toEqual([
      `sink-${id}`,
    ]);
  }, 90_000);

  it('keeps a connector paused from STOPPED without tasks until it is resumed, as Connect', async () => {
    const rt = runtime(path.join(dir, 'paused-from-stopped'));
    await rt.start();
    const name = `idle-${id}`;
    await rt.createConnector({ ...sourceConfig, name }, 'STOPPED');
    await rt.pauseConnector(name);
    await rt.settled(name);
    expect(rt.connectorStatus(name)).toMatchObject({ connector: { state: 'PAUSED' }, tasks: [] });
    expect(rt.connectorInfo(name).tasks).toEqual([]);
    expect(rt.taskMetrics().filter((m) => m.connector === name)).toEqual([]);
    await rt.putConnectorConfig(name, { ...sourceConfig, name, 'poll.interval.ms': '30' });
    await rt.settled(name);
    expect(rt.connectorStatus(name).tasks).toEqual([]); // a config change while paused makes no tasks either
    await rt.resumeConnector(name);
    await until(() => rt.connectorStatus(name).tasks[0]?.state === 'RUNNING');
    await rt.pauseConnector(name); // paused from STARTED: the task stays, paused
    await until(() => rt.connectorStatus(name).tasks[0]?.state === 'PAUSED');
    await rt.stop();
  }, 60_000);

  it('rejects a bad config naming the key, and changes nothing', async () => {
    const stateFile = path.join(dir, 'bad', 'connectors.json');
    const rt = runtime(path.dirname(stateFile));
    await rt.start();
    const bad: [Record<string, string>, string, RegExp][] = [
      [
        { name: 'a', 'connector.class': 'FileStreamSink', topics: 't' },
        'file',
        /Missing required configuration "file"/,
      ],
      [
        { name: 'a', 'connector.class': 'Nope' },
        'connector.class',
        /Failed to find any class that implements Connector and which name matches Nope, available connectors are: FileStreamSource \(.*\), FileStreamSink \(.*\)/,
      ],
      [
        { name: 'a', 'connector.class': 'FileStreamSink', file: '/tmp/x' },
        'topics',
        /Must configure one of topics or topics.regex/,
      ],
      [
        { name: 'a', 'connector.class': 'FileStreamSink', file: '/tmp/x', topics: 't', 'tasks.max': 'two' },
        'tasks.max',
        /must be integer/,
      ],
      [
        { name: 'a', 'connector.class': 'FileStreamSink', file: '/tmp/x', topics: 't', 'errors.tolerance': 'some' },
        'errors.tolerance',
        /allowed values \(none, all\)/,
      ],
      [
        { name: 'a', 'connector.class': 'FileStreamSink', file: '/tmp/x', topics: 't', transforms: 'x' },
        'transforms.x.type',
        /is required/,
      ],
    ];
    for (const [config, field, reason] of bad) {
      const error = await rt.putConnectorConfig(config.name ?? '', config).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field).toBe(field);
      expect((error as ConfigError).message).toMatch(reason);
    }
    expect(rt.connectors()).toEqual([]);
    expect(fs.existsSync(stateFile)).toBe(false);
    await rt.stop();
  });

  it('reports every problem of a config in one error, the validate() hook included', async () => {
    const rt = runtime(path.join(dir, 'problems'));
    await rt.start();
    const error = await rt
      .putConnectorConfig('p', {
        name: 'p',
        'connector.class': 'FileStreamSink',
        'tasks.max': 'two',
        'value.converter': 'Nope',
        'errors.tolerance': 'some',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.field).sort()).toEqual(
      // a sink without topics: Connect names both topics and topics.regex
      ['errors.tolerance', 'file', 'tasks.max', 'topics', 'topics.regex', 'value.converter'].sort(),
    );
    expect(rt.connectors()).toEqual([]);
    await rt.stop();
  });

  it('starts every other stored connector when one no longer resolves, and shows that one FAILED', async () => {
    const stateDir = path.join(dir, 'broken');
    fs.mkdirSync(stateDir, { recursive: true });
    const good = { ...sourceConfig, name: `good-${id}`, topic: `good-${id}`, file: path.join(dir, 'good.txt') };
    fs.writeFileSync(good.file, 'a\nb\n');
    const gone = { name: `gone-${id}`, 'connector.class': '@sluice/removed-plugin', 'db.password': 'hunter22' };
    fs.writeFileSync(
      path.join(stateDir, 'connectors.json'),
      JSON.stringify({
        [gone.name]: { config: gone, target: 'STARTED' },
        [good.name]: { config: good, target: 'STARTED' },
      }),
    );
    const rt = runtime(stateDir);
    await rt.start();
    await until(() => rt.connectorStatus(good.name).tasks[0]?.state === 'RUNNING');
    const broken = rt.connectorStatus(gone.name);
    expect(broken).toMatchObject({ connector: { state: 'FAILED' }, tasks: [], type: 'unknown' });
    expect(broken.connector.trace).toMatch(
      /connector\.class: Failed to find any class that implements Connector and which name matches @sluice\/removed-plugin,/,
    );
    expect(rt.connectorConfig(gone.name)['db.password']).toBe('[hidden]'); // schema unknown: hidden by name
    // a restart tries again (the plugin is still gone); a valid config replaces it
    await rt.restartConnector(gone.name, { includeTasks: false, onlyFailed: false });
    expect(rt.connectorStatus(gone.name).connector.state).toBe('FAILED');
    await rt.putConnectorConfig(gone.name, { ...good, name: gone.name });
    await until(() => rt.connectorStatus(gone.name).tasks[0]?.state === 'RUNNING');
    expect(rt.connectorStatus(gone.name).connector).toEqual({
      state: 'RUNNING',
      worker_id: 'w',
      version: FileStreamSource.version,
    });
    await rt.deleteConnector(gone.name);
    await rt.stop();
  });
});
