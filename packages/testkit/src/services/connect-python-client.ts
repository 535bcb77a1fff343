import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A published Kafka Connect REST client the project did not write: `kafka-connect-py` from PyPI,
 * with its dependencies pinned in `scripts/services/connect/client-requirements.txt`, installed
 * once into a virtual environment under `.services/connect-client/` (again when the pins change).
 * Returns the environment's python. Python 3 (SLUICE_PYTHON, else python3) missing or pip failing
 * is an error, never a skip.
 */
export function installConnectPythonClient(repoRoot: string): string {
  const requirements = path.join(repoRoot, 'scripts', 'services', 'connect', 'client-requirements.txt');
  const pins = fs.readFileSync(requirements, 'utf8');
  const digest = crypto.createHash('sha256').update(pins).digest('hex').slice(0, 12);
  const servicesDir = process.env.SLUICE_SERVICES_DIR ?? path.join(repoRoot, '.services');
  const venv = path.join(servicesDir, 'connect-client', `venv-${digest}`);
  const python = path.join(venv, 'bin', 'python');
  const marker = path.join(venv, '.complete');
  if (fs.existsSync(marker)) return python;
  fs.rmSync(venv, { recursive: true, force: true });
  run(process.env.SLUICE_PYTHON ?? 'python3', ['-m', 'venv', venv], 'creating a Python virtual environment');
  run(python, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-r', requirements], 'pip install');
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  return python;
}

function run(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000 });
  if (result.error || result.status !== 0) {
    throw new Error(
      `${what} failed (${command} ${args.join(' ')}): ${result.error?.message ?? ''}${result.stderr ?? ''}`.trim() +
        '\nInstall Python 3 with venv (Debian: apt-get install python3-venv) or set SLUICE_PYTHON.',
    );
  }
}
