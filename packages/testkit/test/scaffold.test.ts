import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { aliasOf, createConnector } from '@sluice/testkit';

// The scaffold's promise: a generated connector builds and passes its contract suite unchanged.
// Generated inside the repository so it resolves @sluice/* from the workspace's node_modules.
const repo = path.resolve(__dirname, '..', '..', '..');
const parentDir = path.join(repo, '.scaffold-test', String(process.pid));
const bin = (pkg: string, file: string) => path.join(repo, 'node_modules', pkg, file);

afterAll(() => fs.rmSync(parentDir, { recursive: true, force: true }));

describe.each(['source', 'sink'] as const)('a scaffolded %s connector', (kind) => {
  it('builds and passes the contract suite as generated', () => {
    const created = createConnector({ name: `acme-widgets-${kind}`, kind, parentDir });
    expect(created.alias).toBe(kind === 'source' ? 'AcmeWidgetsSource' : 'AcmeWidgetsSink');

    const build = spawnSync(process.execPath, [bin('typescript', 'bin/tsc'), '-p', created.dir], { encoding: 'utf8' });
    expect(build.stdout + build.stderr).toBe('');
    expect(build.status).toBe(0);

    const env = { ...process.env, SLUICE_UPDATE_README: '1' };
    const docs = spawnSync(
      process.execPath,
      [bin('jest', 'bin/jest.js'), '--config', path.join(created.dir, 'jest.config.js'), '-t', 'README'],
      {
        cwd: created.dir,
        encoding: 'utf8',
        env,
      },
    );
    expect(docs.status).toBe(0);
    const test = spawnSync(
      process.execPath,
      [bin('jest', 'bin/jest.js'), '--config', path.join(created.dir, 'jest.config.js')],
      {
        cwd: created.dir,
        encoding: 'utf8',
        env: { ...process.env, SLUICE_UPDATE_README: '' },
      },
    );
    expect(test.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(test.stderr).not.toMatch(/failed/);
    expect(test.status).toBe(0);
    expect(fs.readFileSync(path.join(created.dir, 'README.md'), 'utf8')).toContain('| `directory` | STRING |');
  }, 120_000);
});

describe('createConnector', () => {
  it('rejects a name npm would reject and an existing directory, naming the problem', () => {
    expect(() => createConnector({ name: 'Acme Widgets', kind: 'sink', parentDir })).toThrow(
      'name: "Acme Widgets" is not an npm package name',
    );
    fs.mkdirSync(path.join(parentDir, 'taken'), { recursive: true });
    expect(() => createConnector({ name: 'taken', kind: 'sink', parentDir })).toThrow(/taken already exists/);
  });

  it('derives the alias once per kind', () => {
    expect(aliasOf('@acme/orders-sink', 'sink')).toBe('OrdersSink');
    expect(aliasOf('ledger', 'source')).toBe('LedgerSource');
  });
});
