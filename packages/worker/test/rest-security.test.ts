import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { requireService } from '@sluice/testkit';
import { until } from './rest-client';

// The sluice-worker bin with HTTPS (a self-signed certificate made here with openssl) and both
// basic and bearer authentication, configured from files as an operator would.
const repo = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(repo, 'packages', 'worker', 'bin', 'sluice-worker.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rest-security-'));
const key = path.join(dir, 'key.pem');
const cert = path.join(dir, 'cert.pem');
const port = 19000 + Math.floor(Math.random() * 1000);
let worker: ChildProcess | undefined;
let output = '';

beforeAll(() => {
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
    ],
    { stdio: 'ignore' },
  );
  fs.writeFileSync(path.join(dir, 'users.properties'), '# operators\nadmin: s3cret\nreader=r3ad\n');
  fs.writeFileSync(path.join(dir, 'tokens.txt'), 'token-one\ntoken-two\n');
});
afterAll(async () => {
  if (worker && worker.exitCode === null) {
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker?.once('exit', resolve));
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** An HTTPS request trusting only the test's certificate. */
function request(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https
      .get(`https://127.0.0.1:${port}${url}`, { ca: fs.readFileSync(cert), headers }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
      })
      .on('error', reject);
  });
}

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('REST API security (sluice-worker bin)', () => {
  it('serves HTTPS only, and only to callers with valid credentials', async () => {
    worker = spawn(
      process.execPath,
      [
        bin,
        ...['--bootstrap-servers', requireService('kafka'), '--rest-port', String(port)],
        ...['--state-dir', path.join(dir, 'state'), '--rest-tls-key-file', key, '--rest-tls-cert-file', cert],
        ...['--rest-auth-users-file', path.join(dir, 'users.properties')],
      ],
      { cwd: repo, env: { ...process.env, SLUICE_REST_AUTH_TOKENS_FILE: path.join(dir, 'tokens.txt') } },
    );
    worker.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until(async () => output.includes('REST API listening'), 20_000);
    expect(output).toContain(`"url":"https://127.0.0.1:${port}"`);

    const anonymous = await request('/connectors');
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body)).toEqual({
      error_code: 401,
      message: 'Authentication required (accepted: Basic, Bearer)',
    });
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="sluice", Bearer');
    const wrongPassword = await request('/connectors', basic('admin', 'nope'));
    expect(wrongPassword.status).toBe(401);
    expect(JSON.parse(wrongPassword.body).message).toMatch(/^Invalid credentials/);
    expect((await request('/connectors', { authorization: 'Bearer token-three' })).status).toBe(401);
    expect((await request('/connectors', basic('nobody', 's3cret'))).status).toBe(401);

    expect(await request('/connectors', basic('admin', 's3cret'))).toMatchObject({ status: 200, body: '[]' });
    expect((await request('/connectors', basic('reader', 'r3ad'))).status).toBe(200);
    expect((await request('/admin/loggers', { authorization: 'Bearer token-two' })).status).toBe(200);
    // probes stay open, so an orchestrator needs no credentials
    expect((await request('/health')).status).toBe(200);
    expect((await request('/ready')).status).toBe(200);
    // plain HTTP is not served on the port
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(output).not.toContain('s3cret');
  }, 30_000);

  it('refuses to start with half a TLS setting or an unreadable credentials file, naming it', () => {
    const run = (args: string[]) =>
      execFileSync(process.execPath, [bin, '--bootstrap-servers', requireService('kafka'), ...args], {
        cwd: repo,
        encoding: 'utf8',
        timeout: 20_000,
        stdio: 'pipe',
      });
    const failure = (args: string[]) => {
      try {
        run(args);
        return 'started';
      } catch (error) {
        const { status, stdout } = error as { status: number; stdout: string };
        return `${status} ${stdout}`;
      }
    };
    const state = ['--state-dir', path.join(dir, 'state-bad'), '--rest-port', '0'];
    expect(failure([...state, '--rest-tls-key-file', key])).toMatch(
      /^1 .*rest.tls.keyFile and rest.tls.certFile must be set together/s,
    );
    expect(failure([...state, '--rest-auth-users-file', path.join(dir, 'missing')])).toMatch(
      /^1 .*rest.auth.usersFile: cannot read/s,
    );
  });
});
