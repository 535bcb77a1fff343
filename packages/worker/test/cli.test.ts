import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, requireService } from '@sluice/testkit';
import { freePort, workerSettingDocs } from '@sluice/worker';

// The sluice-worker command line, on the real bin (built by `npx tsc -b`): what it refuses,
// what it prints, and that a command that only prints never starts a worker.
const repo = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(repo, 'packages', 'worker', 'bin', 'sluice-worker.js');
const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
  version: string;
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the bin to its end; a worker that started instead would hit the timeout (status null). */
function run(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, SLUICE_REST_PORT: '1' }, // a worker that did start would fail to listen
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('sluice-worker command line', () => {
  it('refuses an unknown flag with exit 2 and the nearest known one', () => {
    const typo = run(['--rest-prot', '1234']);
    expect(typo).toMatchObject({ status: 2, stdout: '' });
    expect(typo.stderr).toContain('unknown option --rest-prot; did you mean --rest-port?');
    // Connect's property spelling and camelCase config keys find the flag too
    expect(run(['--bootstrap.servers', 'x']).stderr).toContain('did you mean --bootstrap-servers?');
    expect(run(['--logLevel', 'debug']).stderr).toContain('did you mean --log-level?');
    expect(run(['-q'])).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown option -q\n') });
  });

  it('refuses a setting flag without a value instead of taking the next option as one', () => {
    expect(run(['--state-dir'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--state-dir needs a value'),
    });
    const swallowed = run(['--state-dir', '--rest-port', '8084']);
    expect(swallowed.status).toBe(2);
    expect(swallowed.stderr).toContain('option --state-dir needs a value, not the option --rest-port');
    expect(run(['--help-config=yes']).stderr).toContain('option --help-config takes no value');
  });

  it('prints the version and exits 0 whatever else is on the line', () => {
    const stateDir = path.join(dir, 'never-created');
    for (const args of [['--version'], ['--version', '--state-dir', stateDir], ['--no-such', '--version', 'x.json']]) {
      expect(run(args)).toEqual({ status: 0, stdout: `sluice-worker ${version}\n`, stderr: '' });
    }
    expect(fs.existsSync(stateDir)).toBe(false);
  });

  it('--help lists every setting with its flag, environment variable and default, from the schema', () => {
    const help = run(['--help', '--state-dir', path.join(dir, 'never-created')]);
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: sluice-worker /);
    const settings = workerSettingDocs();
    expect(settings.length).toBeGreaterThan(10);
    for (const setting of settings) {
      const line = help.stdout
        .split('\n')
        .find((text) => text.includes(setting.arg ? `--${setting.arg} ` : setting.key));
      expect(line).toBeDefined();
      if (setting.env) expect(line).toContain(`env ${setting.env}`);
      expect(line).toContain(`default ${JSON.stringify(setting.default)}`);
    }
    expect(help.stdout).toContain('(config file only: kafka)');
    expect(help.stdout).toContain('--help-config');
    expect(run(['-h']).stdout).toBe(help.stdout);
    expect(fs.existsSync(path.join(dir, 'never-created'))).toBe(false);
  });

  it('--help-config prints every setting by its config-file key and starts no worker', () => {
    const stateDir = path.join(dir, 'not-by-help-config');
    const reference = run(['--help-config', '--state-dir', stateDir]);
    expect(reference).toMatchObject({ status: 0, stderr: '' });
    for (const setting of workerSettingDocs()) {
      expect(reference.stdout).toContain(
        `  ${setting.key} (${setting.kind}, default ${JSON.stringify(setting.default)})`,
      );
      expect(reference.stdout).toContain(setting.doc);
    }
    expect(fs.existsSync(stateDir)).toBe(false);
  });

  it('names an unknown key of the config file, with the nearest known one', () => {
    const file = write('typo-worker.json', JSON.stringify({ restPort: 8084, rest: { hots: 'x' } }));
    const result = run(['--config', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`unknown setting restPort in ${file}; did you mean rest.port?`);
    expect(result.stderr).toContain(`unknown setting rest.hots in ${file}; did you mean rest.host?`);
  });

  it('names the file, line and column of a JSON error in the config file or a connector file', () => {
    const broken = '{\n  "name": "x",\n  "config": { "topics": "t", }\n}\n';
    const config = write('broken-worker.json', broken);
    expect(run(['--config', config])).toMatchObject({
      status: 2,
      stderr: `sluice-worker: invalid configuration: config file ${config}: invalid JSON at line 3, column 30: unexpected "}"\n`,
    });
    const connector = write('broken-connector.json', broken);
    const result = run(['--state-dir', path.join(dir, 'broken-state'), connector]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`connector file ${connector}: invalid JSON at line 3, column 30: unexpected "}"`);
    expect(run([path.join(dir, 'missing.json')]).stderr).toContain(`connector file ${dir}/missing.json: no such file`);
  });

  it('takes level names in any case (--log-level DEBUG, as Connect writes them)', async () => {
    const port = await freePort();
    // FileStreamSource logs at DEBUG while its file does not exist
    const connector = write(
      'waiting-source.json',
      JSON.stringify({
        name: 'waiting-source',
        config: { 'connector.class': 'FileStreamSource', file: path.join(dir, 'absent.txt'), topic: 'cli-absent' },
      }),
    );
    const args = ['--log-level', 'DEBUG', '--rest-port', String(port), '--state-dir', path.join(dir, 'debug-state')];
    const child = spawn(process.execPath, [bin, ...args, connector], {
      cwd: repo, // the repository's connector packages are found from here
      env: { ...process.env, SLUICE_BOOTSTRAP_SERVERS: requireService('kafka') },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      // the connectors start before the REST API listens
      const ready = () => output.includes('file does not exist yet') && output.includes('REST API listening');
      await eventually(() => ready() || child.exitCode !== null);
      expect(child.exitCode).toBeNull();
      expect(output).toMatch(/"level":"debug","message":"file does not exist yet"/);
      const root = await fetch(`http://127.0.0.1:${port}/admin/loggers/root`);
      expect(await root.json()).toMatchObject({ level: 'DEBUG' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(run(['--log-level', 'loud']).stderr).toContain(
      'logLevel: must be one of OFF, FATAL, ERROR, WARN, INFO, DEBUG, TRACE, ALL (in any case): value was "loud"',
    );
  }, 60_000);
});
