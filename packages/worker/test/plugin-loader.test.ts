import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PluginLoader, loadPlugins, workerInstallDirs } from '@sluice/worker';

const repo = path.resolve(__dirname, '..', '..', '..');
const fileSinkEntry = path.join(repo, 'connectors', 'file-sink', 'dist', 'index.js');
const REPO_CONNECTORS = [
  '@sluice/file-sink=FileStreamSink',
  '@sluice/file-source=FileStreamSource',
  '@sluice/mongodb-source=MongoDbSource',
  '@sluice/opensearch-sink=OpenSearchSink',
  '@sluice/webhook-sink=WebhookSink',
];

interface TestPackage {
  readonly manifest: unknown;
  readonly index: string;
  readonly version?: string;
}

/** Writes one package folder per entry into `dir` (a new temporary directory by default). */
function pluginDir(packages: Record<string, TestPackage>, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugins-'))) {
  for (const [name, { manifest, index, version }] of Object.entries(packages)) {
    const packageDir = path.join(dir, name);
    fs.mkdirSync(packageDir, { recursive: true });
    fs.writeFileSync(
      path.join(packageDir, 'package.json'),
      JSON.stringify({ name, version: version ?? '1.0.0', sluice: manifest }),
    );
    fs.writeFileSync(path.join(packageDir, 'index.js'), index);
  }
  return dir;
}

const reexportFileSink = `module.exports = require(${JSON.stringify(fileSinkEntry)});`;
const fileSinkManifest = (alias: string) => ({ kind: 'sink', alias, entry: './index.js' });
/** A package of a do-nothing sink named `alias`. */
const sinkPackage = (alias: string, version = '1.0.0'): TestPackage => ({
  manifest: fileSinkManifest(alias),
  version,
  index: `const { Type, defineSink } = require('@sluice/sdk');
module.exports = defineSink({ name: '${alias}', version: '${version}', description: 'test', config: Type.Object({}),
  async createTask() { return { async put() {}, async flush() {}, async close() {} }; } });`,
});

describe('loadPlugins', () => {
  it('finds the connector packages installed in node_modules, by package name and alias', () => {
    const catalog = loadPlugins([repo]);
    const names = catalog
      .entries()
      .map((entry) => `${entry.packageName}=${entry.connector.name}`)
      .sort();
    expect(names).toEqual(REPO_CONNECTORS);
    expect(catalog.find('FileStreamSink')?.connector.kind).toBe('sink');
    expect(catalog.find('@sluice/file-source')?.connector.name).toBe('FileStreamSource');
    expect(catalog.find('@sluice/file-sink')?.location).toBe(path.join(repo, 'connectors', 'file-sink'));
    expect(catalog.find('@sluice/file-sink')?.version).toBe('0.1.0');
    expect(catalog.broken()).toEqual([]);
  });

  it('lists a second connector with a taken alias as broken, and keeps the first', () => {
    const dir = pluginDir({
      'other-file-sink': { manifest: fileSinkManifest('FileStreamSink'), index: reexportFileSink },
    });
    expect(loadPlugins([dir]).find('other-file-sink')?.connector.name).toBe('FileStreamSink');
    const both = loadPlugins([repo, dir]);
    expect(both.find('FileStreamSink')?.packageName).toBe('@sluice/file-sink');
    expect(both.find('other-file-sink')).toBeUndefined();
    expect(both.broken()).toEqual([
      {
        packageName: 'other-file-sink',
        alias: 'FileStreamSink',
        location: fs.realpathSync(path.join(dir, 'other-file-sink')),
        reason: 'plugin other-file-sink: connector name FileStreamSink is already taken by @sluice/file-sink',
      },
    ]);
  });

  it('loads a connector module only when the connector is first used', () => {
    const dir = pluginDir({
      'counted-sink': {
        manifest: fileSinkManifest('CountedSink'),
        index: `globalThis.countedSinkLoads = (globalThis.countedSinkLoads ?? 0) + 1; ${reexportFileSink}`,
      },
    });
    const loads = () => (globalThis as { countedSinkLoads?: number }).countedSinkLoads ?? 0;
    const catalog = loadPlugins([dir]);
    expect(catalog.found().map((entry) => entry.alias)).toEqual(['CountedSink']);
    expect(catalog.broken(false)).toEqual([]);
    expect(loads()).toBe(0);
    expect(catalog.find('CountedSink')).toBeUndefined(); // it exports another connector
    expect(catalog.problem('CountedSink')).toMatch(/exports sink "FileStreamSink"/);
    expect(catalog.find('CountedSink')).toBeUndefined();
    expect(loads()).toBe(1);
  });

  it('lists each plugin that cannot be used with its reason, and loads the others', () => {
    const dir = pluginDir({
      'bad-kind': { manifest: { kind: 'both', alias: 'X1', entry: './index.js' }, index: '' },
      'no-alias': { manifest: { kind: 'sink', entry: './index.js' }, index: '' },
      'missing-entry': { manifest: { kind: 'sink', alias: 'X3', entry: './missing.js' }, index: '' },
      'exports-nothing': {
        manifest: { kind: 'sink', alias: 'X4', entry: './index.js' },
        index: 'module.exports = {};',
      },
      'throws-on-load': {
        manifest: { kind: 'sink', alias: 'X5', entry: './index.js' },
        index: "require('no-such-dependency-anywhere');",
      },
      'wrong-kind': {
        manifest: { kind: 'source', alias: 'FileStreamSink', entry: './index.js' },
        index: reexportFileSink,
      },
      'good-sink': sinkPackage('GoodSink'),
    });
    fs.mkdirSync(path.join(dir, 'not-json'));
    fs.writeFileSync(path.join(dir, 'not-json', 'package.json'), '{ "name": ');
    const catalog = loadPlugins([dir]);
    expect(catalog.entries().map((entry) => entry.packageName)).toEqual(['good-sink']);
    const reasons = Object.fromEntries(catalog.broken().map((plugin) => [plugin.packageName, plugin.reason]));
    expect(reasons).toEqual({
      'bad-kind': expect.stringMatching(/^plugin bad-kind \(.*package.json\): sluice.kind must be "source" or "sink"$/),
      'no-alias': expect.stringMatching(/sluice.alias must name the connector/),
      'missing-entry': expect.stringMatching(/^plugin missing-entry: loading .*missing.js failed: no such file$/),
      'exports-nothing':
        'plugin exports-nothing: ./index.js does not export a connector made with defineSource or defineSink',
      'throws-on-load': expect.stringMatching(/^plugin throws-on-load: loading .*index.js failed: Cannot find module/),
      'wrong-kind':
        'plugin wrong-kind: package.json says source "FileStreamSink" but the module exports sink "FileStreamSink"',
      'not-json': expect.stringMatching(/not-json.package.json: /),
    });
    expect(catalog.problem('X5')).toBe(reasons['throws-on-load']);
    expect(catalog.problem('no-alias')).toBe(reasons['no-alias']);
  });
});

describe('PluginLoader', () => {
  it("finds the worker's own connectors from its install, whatever the current directory", () => {
    expect(workerInstallDirs()).toContain(path.join(repo, 'node_modules'));
    const cwd = process.cwd();
    process.chdir(os.tmpdir());
    try {
      const catalog = new PluginLoader({ pluginPath: [] }).load();
      expect(catalog.entries().map((entry) => `${entry.packageName}=${entry.connector.name}`)).toEqual(
        expect.arrayContaining(REPO_CONNECTORS),
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it('a plugin directory comes first: its copy of a package the worker ships wins', () => {
    const dir = pluginDir({
      '@sluice/file-sink': { manifest: fileSinkManifest('FileStreamSink'), index: reexportFileSink },
    });
    const catalog = new PluginLoader({ pluginPath: [dir] }).load();
    expect(catalog.find('FileStreamSink')?.location).toBe(fs.realpathSync(path.join(dir, '@sluice', 'file-sink')));
    expect(catalog.broken()).toEqual([]);
  });

  it('on each load keeps unchanged plugins and tells new, upgraded and removed ones', () => {
    const dir = pluginDir({
      'kept-sink': sinkPackage('KeptSink'),
      'gone-sink': sinkPackage('GoneSink'),
      'upgraded-sink': sinkPackage('UpgradedSink'),
    });
    const loader = new PluginLoader({ pluginPath: [dir], workerInstall: false });
    const first = loader.load();
    expect(loader.load().changesSince(first)).toEqual({ added: [], upgraded: [], removed: [] });

    fs.rmSync(path.join(dir, 'gone-sink'), { recursive: true });
    pluginDir({ 'upgraded-sink': sinkPackage('UpgradedSink', '1.1.0'), 'new-sink': sinkPackage('NewSink') }, dir);
    const second = loader.load();
    expect(second.changesSince(first)).toEqual({
      added: ['new-sink'],
      upgraded: ['upgraded-sink'],
      removed: ['gone-sink'],
    });
    expect(second.find('kept-sink')).toBe(first.find('kept-sink'));
    expect(second.find('UpgradedSink')?.version).toBe('1.1.0');
    expect(second.find('GoneSink')).toBeUndefined();
    expect(second.find('NewSink')?.connector.kind).toBe('sink');
  });
});
