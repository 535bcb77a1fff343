import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// The local-service scripts' answers to bad situations: each says what is wrong and what to do.
const cli = path.resolve(__dirname, '../../../../scripts/services/cli.mjs');

function runCli(args: string[], env: NodeJS.ProcessEnv) {
  const servicesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-services-'));
  return spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, SLUICE_SERVICES_DIR: servicesDir, ...env },
  });
}

describe('services scripts', () => {
  it('names the port in use and how to choose another', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = runCli(['up', 'mongodb'], { SLUICE_MONGODB_PORT: String(port) });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is in use by another process`);
      expect(result.stderr).toContain('SLUICE_MONGODB_PORT=<port>');
    } finally {
      blocker.close();
    }
  });

  it('says how to get Java when there is none', () => {
    const result = runCli(['up'], { PATH: '/nonexistent', JAVA_HOME: '' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Java not found: install Java 17/);
  });

  it('rejects an unknown service and a bad port value', () => {
    expect(runCli(['up', 'redis'], {}).stderr).toContain('unknown service "redis"; known: kafka, opensearch, mongodb');
    expect(runCli(['status'], { SLUICE_KAFKA_PORT: 'ninety' }).stderr).toContain(
      'SLUICE_KAFKA_PORT=ninety is not a TCP port',
    );
  });

  it('reports the running services and their addresses', () => {
    const result = spawnSync(process.execPath, [cli, 'status'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\[kafka\] (healthy|not running)/);
  });
});

describe('services scripts: downloads', () => {
  it('explains a failed download and where its full log is', () => {
    // offline with an empty download cache: Maven cannot resolve the emulator's jars
    const result = runCli(['up', 'mongodb'], { SLUICE_MAVEN_ARGS: '-o', SLUICE_MONGODB_PORT: '27999' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('download/build of mongodb with Maven failed (full output: ');
    expect(result.stderr).toContain('Check that the Maven repository is reachable');
  });
});
