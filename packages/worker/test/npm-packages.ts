import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KafkaProducer, kafkaClientSettings } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';

/** Runs npm as an operator would; throws with its output when it fails. */
export function npm(args: readonly string[], cwd: string): string {
  const run = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`npm ${args.join(' ')} (in ${cwd}) failed: ${run.stdout}${run.stderr}`);
  return run.stdout;
}

/** `npm pack` of a package directory into `destination`; the tarball's path. */
export function pack(packageDir: string, destination: string): string {
  const [packed] = JSON.parse(npm(['pack', packageDir, '--json', '--pack-destination', destination], destination)) as {
    filename: string;
  }[];
  if (!packed) throw new Error(`npm pack ${packageDir} packed nothing`);
  return path.join(destination, packed.filename);
}

/** `npm install --prefix <pluginDir> <tarball>`, offline: what the guide tells an operator to run. */
export function installInto(pluginDir: string, tarball: string): void {
  npm(['install', '--prefix', pluginDir, '--offline', tarball], pluginDir);
}

/** A new empty directory outside the repository. */
export function tempDir(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`)));
}

/** Writes a package directory (package.json and files) and returns it. */
export function writePackage(dir: string, manifest: object, files: Record<string, string>): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Produces JSON values to a topic (keys as strings). */
export async function produce(topic: string, values: readonly object[]): Promise<void> {
  const producer = new KafkaProducer(kafkaClientSettings(requireService('kafka'), `plugin-packages-${process.pid}`));
  await producer.connect();
  try {
    await producer.send(
      values.map((value, i) => ({ topic, key: Buffer.from(`k${i}`), value: Buffer.from(JSON.stringify(value)) })),
    );
  } finally {
    await producer.disconnect();
  }
}

/** Waits for `ok(observe())`, polling; fails with `what`, the last observation and `context()` (e.g. a worker's log). */
export async function until<T>(
  what: string,
  observe: () => Promise<T> | T,
  ok: (value: T) => boolean,
  context: () => Promise<string> | string = () => '',
  ms = 60_000,
) {
  const deadline = Date.now() + ms;
  let last: T;
  for (;;) {
    last = await observe();
    if (ok(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${ms} ms; last seen ${JSON.stringify(last)}\n${await context()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** REST call with a JSON body, answering status and parsed body. */
export async function call(base: string, method: string, resource: string, body?: unknown) {
  const response = await fetch(`${base}${resource}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as unknown };
}
