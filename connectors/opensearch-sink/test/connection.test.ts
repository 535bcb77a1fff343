import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenSearchSink from '@sluice/opensearch-sink';
import type { FaultProxy } from './fault-proxy';
import { startFaultProxy } from './fault-proxy';
import { admin, openTask, opensearchUrl, record } from './helpers';

// TLS and basic auth, which the local OpenSearch runs without: a proxy in front of it terminates
// TLS with a throwaway self-signed certificate (made here with openssl) and requires a password.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sink-tls-'));
const keyFile = path.join(dir, 'key.pem');
const certFile = path.join(dir, 'cert.pem');
let proxy: FaultProxy;

beforeAll(async () => {
  const made = spawnSync('openssl', [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile],
  ]);
  if (made.status !== 0) throw new Error(`openssl is needed for this test: ${made.stderr?.toString() ?? made.error}`);
  const tls = { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) };
  proxy = await startFaultProxy(opensearchUrl, { tls, basicAuth: 'sluice:s3cret' });
});
afterAll(async () => {
  await proxy.close();
  await admin.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('connection options (TLS and basic auth, through a proxy to the real OpenSearch)', () => {
  const secure = { 'connection.username': 'sluice', 'connection.password': 's3cret' };

  it('writes over TLS with the CA file and basic auth', async () => {
    const { sink, get, cleanup } = await openTask({ ...secure, 'connection.tls.ca.file': certFile }, proxy.url);
    await sink.put([record(1, 'p1', { name: 'tv' })]);
    await sink.flush();
    expect(await get('p1')).toEqual({ name: 'tv' });
    await cleanup();
  });

  it('refuses an unknown certificate, and says why a wrong password fails', async () => {
    await expect(openTask(secure, proxy.url)).rejects.toThrow(/does not answer: .*self.signed/i);
    await expect(
      openTask({ ...secure, 'connection.password': 'wrong', 'connection.tls.ca.file': certFile }, proxy.url),
    ).rejects.toThrow('answered 401 to the connection check (check connection.username and connection.password)');
    const unverified = await openTask({ ...secure, 'connection.tls.verify': 'false' }, proxy.url);
    await unverified.cleanup();
  });

  it('hides the password in validation results', () => {
    const result = OpenSearchSink.validator.validate({ 'connection.url': proxy.url, ...secure });
    expect(JSON.stringify(result)).toContain('"value":"sluice"'); // values are shown...
    expect(JSON.stringify(result)).not.toContain('s3cret'); // ...but not the password
  });
});
