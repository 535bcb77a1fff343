import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { aliasOf, createConnector } from '@sluice/testkit';
import { PluginLoader } from '@sluice/worker';

// The scaffold's promise, run as the guide says: `sluice-create-connector`, then `npm run build`
// and `npm test` in the new package, nothing else (no `npm run docs` first). Generated inside the
// repository, so its dependencies resolve from the workspace's node_modules (what `npm install`
// gives an author outside it); `npx tsc -b` first builds the SDK and testkit it uses.
const repo = path.resolve(__dirname, '..', '..', '..');
const parentDir = path.join(repo, '.scaffold-test', String(process.pid));
const createBin = path.join(repo, 'packages', 'testkit', 'bin', 'sluice-create-connector.js');

afterAll(() => fs.rmSync(parentDir, { recursive: true, force: true }));

/** Runs a command as a shell would, in `cwd`, without the README-rewriting switch. */
function run(command: string, args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  delete env.SLUICE_UPDATE_README;
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env, timeout: 110_000 });
  return { status: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}` };
}

describe.each(['source', 'sink'] as const)('a scaffolded %s connector', (kind) => {
  it('builds, passes its own tests on the first run, and packs into a plugin a worker loads', () => {
    fs.mkdirSync(parentDir, { recursive: true });
    const name = `acme-widgets-${kind}`;
    const created = run(process.execPath, [createBin, name, '--kind', kind, '--dir', parentDir], parentDir);
    expect(created.output).toContain(
      `next: cd ${path.join(parentDir, name)} && npm install && npm run build && npm test`,
    );
    expect(created.status).toBe(0);
    const dir = path.join(parentDir, name);
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('| `directory` | STRING |  | yes |'); // generated already

    const build = run('npm', ['run', 'build'], dir);
    expect(build.status).toBe(0);
    const test = run('npm', ['test'], dir);
    expect(test.output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(test.output).not.toMatch(/failed/);
    expect(test.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe(readme); // checked, not rewritten

    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, object>;
    expect(manifest.peerDependencies).toEqual({ '@sluice/sdk': expect.any(String) });
    expect(manifest.dependencies).toBeUndefined();
    const packed = run('npm', ['pack', '--pack-destination', os.tmpdir(), '--json', '--loglevel=error'], dir);
    expect(packed.status).toBe(0);
    const tarball = path.join(
      os.tmpdir(),
      (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[])[0]?.filename ?? '',
    );
    const pluginDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaffold-plugins-'));
    const installed = run(
      'npm',
      ['install', '--prefix', pluginDir, '--offline', '--no-audit', '--no-fund', tarball],
      pluginDir,
    );
    expect(installed.status).toBe(0);
    const catalog = new PluginLoader({ pluginPath: [pluginDir], workerInstall: false }).load();
    expect(catalog.broken()).toEqual([]);
    expect(catalog.find(aliasOf(name, kind))?.connector.kind).toBe(kind);
    fs.rmSync(pluginDir, { recursive: true, force: true });
    fs.rmSync(tarball, { force: true });
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
