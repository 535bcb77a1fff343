import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

/** A private MongoDB-wire emulator, for tests that must restart or starve a server. */
export interface OwnEmulator {
  readonly uri: string;
  readonly port: number;
  /** SIGKILL (a crash or a network drop, for the client). */
  kill(): Promise<void>;
}

/**
 * Starts a second emulator (scripts/services/mongo, built by `npm run services:up` into
 * `$SLUICE_SERVICES_DIR/mongo/libs`, default `.services/`) on a free port, never the shared one.
 * `maxChangeEvents` bounds its change log: resuming before the kept window fails with error 286.
 */
export async function startOwnEmulator(
  options: { maxChangeEvents?: number; port?: number } = {},
): Promise<OwnEmulator> {
  const libs = path.join(process.env.SLUICE_SERVICES_DIR ?? path.join(repoRoot, '.services'), 'mongo', 'libs');
  if (!fs.existsSync(path.join(libs, 'mongo-emulator.jar')))
    throw new Error(
      `the MongoDB emulator is not built in ${libs}: run \`npm run services:up\` once, or set SLUICE_SERVICES_DIR to a built one`,
    );
  const port = options.port ?? (await freePort());
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const args = ['-Xmx256m', '-cp', `${libs}/*`, 'dev.sluice.mongo.EmulatorLauncher'];
  args.push('--host', '127.0.0.1', '--port', String(port), '--set-name', 'rs0');
  if (options.maxChangeEvents !== undefined) args.push('--max-change-events', String(options.maxChangeEvents));
  const child = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await ready(child);
  return {
    uri: `mongodb://127.0.0.1:${port}/?replicaSet=rs0`,
    port,
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

function ready(child: ChildProcess): Promise<void> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator not ready within 30 s: ${output}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code}): ${output}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
