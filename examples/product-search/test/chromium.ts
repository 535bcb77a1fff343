import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH, else Debian's `chromium` package,
 * installed with apt-get when it is missing and this runs as root (as scripts/setup.mjs installs
 * the Kafka client's build prerequisites). playwright-core never downloads a browser of its
 * own (its downloads cannot be reached from these machines). Throws, saying what to install,
 * when there is none: the test fails, it is never skipped.
 */
export function chromiumPath(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`CHROMIUM_PATH=${given} does not exist`);
    return given;
  }
  if (fs.existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  const why = installWithApt();
  if (fs.existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  throw new Error(
    `no Chromium for the browser test (${why}): install Debian's package (apt-get install chromium) ` +
      `or set CHROMIUM_PATH to a Chromium or Chrome binary${process.env.CI ? ' on the CI machine' : ''}`,
  );
}

/** Runs apt-get; returns why it could not, or what it did. */
function installWithApt(): string {
  if (process.getuid?.() !== 0) return 'not root, so apt-get cannot install it';
  if (spawnSync('apt-get', ['--version']).error) return 'no apt-get on this machine';
  process.stderr.write('browser test: installing Debian chromium with apt-get (about a minute)\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const result = spawnSync('apt-get', args, { env, encoding: 'utf8', timeout: 600_000 });
    if (result.status !== 0) return `apt-get ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim()}`;
  }
  return 'apt-get installed chromium';
}
