import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadWorkerConfig, updateWorkerSettingsTable } from '@sluice/worker';

describe('loadWorkerConfig', () => {
  it('has sane defaults', () => {
    const config = loadWorkerConfig({ env: {}, args: [] });
    expect(config.rest.port).toBe(8083);
    expect(config.bootstrapServers).toBe('127.0.0.1:9092');
  });

  it('takes env over file and flags over env', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-')), 'worker.json');
    fs.writeFileSync(file, JSON.stringify({ groupId: 'from-file', rest: { port: 9000 } }));
    const config = loadWorkerConfig({ file, env: { SLUICE_GROUP_ID: 'from-env' }, args: ['--rest-port', '9100'] });
    expect(config.groupId).toBe('from-env');
    expect(config.rest.port).toBe(9100);
  });

  it('rejects unknown keys and bad values, one line each, naming them and the nearest known key', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-')), 'worker.json');
    fs.writeFileSync(file, JSON.stringify({ restPort: 1, logLevel: 'loud', rest: { tls: { keyfile: 'k' } }, zzz: 1 }));
    expect(() => loadWorkerConfig({ file, env: {}, args: [] })).toThrow(
      [
        `unknown setting restPort in ${file}; did you mean rest.port?`,
        `unknown setting rest.tls.keyfile in ${file}; did you mean rest.tls.keyFile?`,
        `unknown setting zzz in ${file}`,
        'logLevel: must be one of OFF, FATAL, ERROR, WARN, INFO, DEBUG, TRACE, ALL (in any case): value was "loud"',
      ].join('\n'),
    );
    expect(() => loadWorkerConfig({ env: {}, flags: { 'rest.prot': '1' } })).toThrow(
      'unknown setting rest.prot; did you mean rest.port?',
    );
  });

  it("takes the internal topics' partition counts (Connect's *.storage.partitions) and refuses fewer than one", () => {
    const config = loadWorkerConfig({ env: { SLUICE_OFFSET_STORAGE_PARTITIONS: '3' }, args: [] });
    expect([config.cluster.offsetStoragePartitions, config.cluster.statusStoragePartitions]).toEqual([3, 5]);
    expect(() => loadWorkerConfig({ env: {}, args: ['--status-storage-partitions', '0'] })).toThrow(
      'cluster.statusStoragePartitions: must be a whole number of at least 1',
    );
  });

  it('takes log levels in any case from the file, the environment and flags, and keeps them in lower case', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-')), 'worker.json');
    fs.writeFileSync(file, JSON.stringify({ logLevel: 'WARN' }));
    expect(loadWorkerConfig({ file, env: {} }).logLevel).toBe('warn');
    expect(loadWorkerConfig({ env: { SLUICE_LOG_LEVEL: 'Debug' } }).logLevel).toBe('debug');
    expect(loadWorkerConfig({ env: {}, flags: { logLevel: 'TRACE' } }).logLevel).toBe('trace');
  });

  it('takes flag values as given: flags win over env and file, and are not read as numbers', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-')), 'worker.json');
    fs.writeFileSync(file, JSON.stringify({ groupId: 'from-file', rest: { port: 9000 } }));
    const config = loadWorkerConfig({
      file,
      env: { SLUICE_GROUP_ID: 'from-env', SLUICE_REST_PORT: '9100' },
      flags: { groupId: '007', 'rest.host': '1e3', 'rest.port': '9200', pluginPath: '/a,/b' },
    });
    expect(config).toMatchObject({ groupId: '007', rest: { host: '1e3', port: 9200 }, pluginPath: ['/a', '/b'] });
  });

  it('names the config file and the place of a JSON error in it', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-')), 'worker.json');
    fs.writeFileSync(file, '{\n  "groupId": "g"\n  "stateDir": "s"\n}');
    expect(() => loadWorkerConfig({ file, env: {} })).toThrow(
      `config file ${file}: invalid JSON at line 3, column 3: unexpected "\\""`,
    );
    fs.writeFileSync(file, '[]');
    expect(() => loadWorkerConfig({ file, env: {} })).toThrow(`config file ${file}: must hold a JSON object`);
  });

  it('is documented in the README by a table generated from the schema (SLUICE_UPDATE_README=1 rewrites it)', () => {
    const readme = path.resolve(__dirname, '..', 'README.md');
    const current = fs.readFileSync(readme, 'utf8');
    const generated = updateWorkerSettingsTable(current);
    if (process.env.SLUICE_UPDATE_README === '1') fs.writeFileSync(readme, generated);
    else expect(current).toBe(generated);
  });
});
