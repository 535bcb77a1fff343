import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PluginError, loadPlugins } from '@sluice/worker';

const repo = path.resolve(__dirname, '..', '..', '..');
const fileSinkEntry = path.join(repo, 'connectors', 'file-sink', 'dist', 'index.js');

/** A plugin directory with one package folder per entry. */
function pluginDir(packages: Record<string, { manifest: unknown; index: string }>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugins-'));
  for (const [name, { manifest, index }] of Object.entries(packages)) {
    const packageDir = path.join(dir, name);
    fs.mkdirSync(packageDir);
    fs.writeFileSync(
      path.join(packageDir, 'package.json'),
      JSON.stringify({ name, version: '1.0.0', sluice: manifest }),
    );
    fs.writeFileSync(path.join(packageDir, 'index.js'), index);
  }
  return dir;
}

describe('loadPlugins', () => {
  it('finds the connector packages installed in node_modules, by package name and alias', () => {
    const catalog = loadPlugins([repo]);
    const names = catalog
      .entries()
      .map((entry) => `${entry.packageName}=${entry.connector.name}`)
      .sort();
    expect(names).toEqual([
      '@sluice/file-sink=FileStreamSink',
      '@sluice/file-source=FileStreamSource',
      '@sluice/mongodb-source=MongoDbSource',
      '@sluice/opensearch-sink=OpenSearchSink',
    ]);
    expect(catalog.find('FileStreamSink')?.connector.kind).toBe('sink');
    expect(catalog.find('@sluice/file-source')?.connector.name).toBe('FileStreamSource');
  });

  it('loads a plugin directory, and refuses two connectors with the same alias', () => {
    const dir = pluginDir({
      'other-file-sink': {
        manifest: { kind: 'sink', alias: 'FileStreamSink', entry: './index.js' },
        index: `module.exports = require(${JSON.stringify(fileSinkEntry)});`,
      },
    });
    expect(loadPlugins([dir]).find('other-file-sink')?.connector.name).toBe('FileStreamSink');
    expect(() => loadPlugins([repo, dir])).toThrow(
      new PluginError('connector name FileStreamSink is claimed by both @sluice/file-sink and other-file-sink'),
    );
  });

  it('loads a connector module only when the connector is first used', () => {
    const dir = pluginDir({
      'counted-sink': {
        manifest: { kind: 'sink', alias: 'CountedSink', entry: './index.js' },
        index: `globalThis.countedSinkLoads = (globalThis.countedSinkLoads ?? 0) + 1; module.exports = require(${JSON.stringify(fileSinkEntry)});`,
      },
    });
    const loads = () => (globalThis as { countedSinkLoads?: number }).countedSinkLoads ?? 0;
    const catalog = loadPlugins([dir]);
    expect(catalog.find('CountedSink')?.packageName).toBe('counted-sink');
    expect(loads()).toBe(0);
    expect(() => catalog.find('CountedSink')?.connector).toThrow(/exports sink "FileStreamSink"/);
    expect(loads()).toBe(1);
  });

  it('names the package and the problem for a bad manifest or module', () => {
    const bad =
      (manifest: unknown, index = 'module.exports = {};') =>
      () =>
        // the module loads at first use of the connector
        loadPlugins([pluginDir({ 'bad-plugin': { manifest, index } })])
          .entries()
          .map((entry) => entry.connector);
    expect(bad({ kind: 'both', alias: 'X', entry: './index.js' })).toThrow(
      /plugin bad-plugin \(.*package.json\): sluice.kind must be "source" or "sink"/,
    );
    expect(bad({ kind: 'sink', entry: './index.js' })).toThrow(/sluice.alias must name the connector/);
    expect(bad({ kind: 'sink', alias: 'X', entry: './missing.js' })).toThrow(
      /plugin bad-plugin: loading .*missing.js failed/,
    );
    expect(bad({ kind: 'sink', alias: 'X', entry: './index.js' })).toThrow(
      'plugin bad-plugin: ./index.js does not export a connector made with defineSource or defineSink',
    );
    expect(
      bad(
        { kind: 'source', alias: 'FileStreamSink', entry: './index.js' },
        `module.exports = require(${JSON.stringify(fileSinkEntry)});`,
      ),
    ).toThrow(
      'plugin bad-plugin: package.json says source "FileStreamSink" but the module exports sink "FileStreamSink"',
    );
  });
});
