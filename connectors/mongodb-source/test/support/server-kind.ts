import { spawnSync } from 'node:child_process';

/**
 * Whether `uri` is the project's MongoDB emulator (its buildInfo names it), asked synchronously
 * so a test file can choose at load time between running a real-server-only test and listing it
 * as skipped (never as passed).
 */
export function isEmulator(uri: string): boolean {
  const probe = `
    const { MongoClient } = require('mongodb');
    const client = new MongoClient(process.env.PROBE_URI, { serverSelectionTimeoutMS: 10000 });
    client.db('admin').command({ buildInfo: 1 })
      .then((info) => process.stdout.write(info.emulator ? 'emulator' : 'mongod'))
      .finally(() => client.close());`;
  const result = spawnSync(process.execPath, ['-e', probe], {
    cwd: __dirname,
    env: { ...process.env, PROBE_URI: uri },
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (result.stdout !== 'emulator' && result.stdout !== 'mongod')
    throw new Error(`cannot tell which server ${uri} is: ${result.stderr}`);
  return result.stdout === 'emulator';
}
