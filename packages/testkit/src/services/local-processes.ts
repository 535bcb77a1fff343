import { spawn } from 'node:child_process';
import path from 'node:path';
import type { ServiceAddresses, ServiceName } from './addresses.js';
import { SERVICE_ENV } from './addresses.js';

/**
 * Starts services with the repository's own scripts (`scripts/services/cli.mjs`), which download,
 * start and health-check real Kafka, OpenSearch and the MongoDB-wire emulator as local processes.
 * Idempotent: services already running are reused.
 */
export async function startLocalProcesses(
  repoRoot: string,
  names: readonly ServiceName[],
): Promise<{ addresses: Partial<ServiceAddresses>; started: ServiceName[] }> {
  const output = await runCli(repoRoot, ['up', ...names]);
  const addresses: Partial<Record<ServiceName, string>> = {};
  const started: ServiceName[] = [];
  for (const name of names) {
    const match = new RegExp(`${SERVICE_ENV[name]}=(\\S+)`).exec(output);
    if (!match?.[1]) throw new Error(`services script did not report ${SERVICE_ENV[name]}:\n${output}`);
    addresses[name] = match[1];
    if (!output.includes(`[${name}] already running`)) started.push(name);
  }
  return { addresses, started };
}

export async function stopLocalProcesses(repoRoot: string, names: readonly ServiceName[]): Promise<void> {
  await runCli(repoRoot, ['down', ...names]);
}

function runCli(repoRoot: string, args: string[]): Promise<string> {
  const cli = path.join(repoRoot, 'scripts', 'services', 'cli.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`services ${args.join(' ')} failed (exit ${code}):\n${output.trim()}`));
    });
  });
}
