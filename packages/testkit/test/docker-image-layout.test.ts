import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eventually, requireService } from '@sluice/testkit';
import { closuresOf, inherited, stagesOf } from '../../../docker/lint/dockerfile-rules';

// Without Docker, the worker image's contents are assembled the way its build stage assembles
// them (docker/runtime-closure.mjs with the Dockerfile's own arguments, from this built
// repository) and started with the image's ENTRYPOINT, ENV and HEALTHCHECK: the plugins it
// lists, and the connector files docker/compose.yaml gives it, validated by those plugins.
// What is not covered: the base image itself and `npm ci` inside it.
const root = path.resolve(__dirname, '..', '..', '..');
const stages = stagesOf(fs.readFileSync(path.join(root, 'docker', 'worker.Dockerfile'), 'utf8'));
const worker = stages.find((stage) => stage.name === 'worker');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-layout-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const IMAGE_ROOT = '/opt/sluice';
const jsonArgs = (args: string) => JSON.parse(args.replace(/^CMD\s+/, '')) as string[];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** The ENV of a stage's chain, with the image's /opt/sluice moved to `at`. */
function imageEnv(at: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of inherited(stages, worker as never, 'ENV'))
    for (const [, key, value] of line.matchAll(/(\w+)=(\S+)/g))
      env[key as string] = (value as string).replace(IMAGE_ROOT, at);
  return env;
}

function sizeOf(dir: string): number {
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) bytes += sizeOf(full);
    else if (entry.isFile()) bytes += fs.statSync(full).size;
  }
  return bytes;
}

describe('the worker image, assembled without Docker', () => {
  it('holds only runtime packages, lists every connector as a plugin, and accepts the compose connector files', async () => {
    const closure = closuresOf(stages).find((c) => c.dest.endsWith('/worker'));
    if (!worker || !closure) throw new Error('docker/worker.Dockerfile has no worker stage or closure step');
    const image = path.join(work, 'opt-sluice');
    const copied = spawnSync(
      process.execPath,
      [path.join(root, 'docker', 'runtime-closure.mjs'), image, ...closure.workspaces],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(copied.stderr).toBe('');
    expect(copied.status).toBe(0);

    const modules = fs.readdirSync(path.join(image, 'node_modules'));
    for (const devOnly of ['typescript', 'jest', 'testcontainers', 'eslint', 'dclint'])
      expect(modules).not.toContain(devOnly);
    expect(fs.readdirSync(path.join(image, 'node_modules', '@sluice')).sort()).not.toContain('testkit');
    const mib = sizeOf(image) / 2 ** 20;
    expect(mib).toBeLessThan(150);

    const port = await freePort();
    const env = {
      ...process.env,
      ...imageEnv(image),
      SLUICE_REST_HOST: '127.0.0.1',
      SLUICE_REST_PORT: String(port),
      SLUICE_STATE_DIR: path.join(work, 'state'),
      SLUICE_BOOTSTRAP_SERVERS: requireService('kafka'),
    };
    const [command, ...args] = jsonArgs(inherited(stages, worker, 'ENTRYPOINT').at(-1) ?? '[]');
    const child = spawn(command === 'node' ? process.execPath : (command as string), args, {
      cwd: image,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = `http://127.0.0.1:${port}`;
    try {
      await eventually(async () => (await fetch(`${url}/ready`).catch(() => undefined))?.ok === true, 20_000, 100);
      // the image's own HEALTHCHECK command answers healthy
      const [check, ...checkArgs] = jsonArgs(
        inherited(stages, worker, 'HEALTHCHECK')
          .at(-1)
          ?.replace(/^.*?CMD/, 'CMD') ?? '',
      );
      expect(spawnSync(check === 'node' ? process.execPath : (check as string), checkArgs, { env }).status).toBe(0);

      const plugins = (await (await fetch(`${url}/connector-plugins`)).json()) as { alias: string }[];
      const aliases = fs
        .readdirSync(path.join(root, 'connectors'))
        .map((dir) => JSON.parse(fs.readFileSync(path.join(root, 'connectors', dir, 'package.json'), 'utf8')))
        .map((manifest: { sluice: { alias: string } }) => manifest.sluice.alias);
      expect(plugins.map((plugin) => plugin.alias).sort()).toEqual(aliases.sort());

      const validate = async (config: Record<string, string>) => {
        const response = await fetch(`${url}/connector-plugins/${config['connector.class']}/config/validate`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(config),
        });
        return (await response.json()) as {
          error_count: number;
          configs: { value: { name: string; errors: string[] } }[];
        };
      };
      const files = fs.readdirSync(path.join(root, 'docker', 'connectors'));
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const { name, config } = JSON.parse(fs.readFileSync(path.join(root, 'docker', 'connectors', file), 'utf8'));
        const result = await validate({ name, ...config }); // as Connect, validate wants the name too
        expect([file, result.configs.filter((c) => c.value.errors.length > 0)]).toEqual([file, []]);
        expect(result.error_count).toBe(0);
      }
      // and the same endpoint does find a bad value
      const bad = await validate({
        name: 'bad',
        'connector.class': 'MongoDbSource',
        'connection.uri': 'mongodb://x',
        'topic.namespace.map': '[]',
      });
      expect(bad.configs.filter((c) => c.value.errors.length > 0).map((c) => c.value.name)).toEqual([
        'topic.namespace.map',
      ]);
      process.stdout.write(`worker image contents: ${modules.length} top-level packages, ${mib.toFixed(1)} MiB\n`);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nworker output:\n${output}`);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 60_000);
});
