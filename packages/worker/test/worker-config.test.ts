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

  it('rejects unknown keys and bad values, naming them', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-')), 'worker.json');
    fs.writeFileSync(file, JSON.stringify({ restPort: 1, logLevel: 'loud' }));
    expect(() => loadWorkerConfig({ file, env: {}, args: [] })).toThrow(/logLevel.*must be one of.*\n?.*restPort/s);
  });

  it('is documented in the README by a table generated from the schema (SLUICE_UPDATE_README=1 rewrites it)', () => {
    const readme = path.resolve(__dirname, '..', 'README.md');
    const current = fs.readFileSync(readme, 'utf8');
    const generated = updateWorkerSettingsTable(current);
    if (process.env.SLUICE_UPDATE_README === '1') fs.writeFileSync(readme, generated);
    else expect(current).toBe(generated);
  });
});
