import fs from 'node:fs';
import type { WorkerConfig } from '../worker-config.js';
import type { RestAuth } from './auth.js';
import { parseUsersFile } from './auth.js';

/** TLS material and credentials for the REST API, read from the files the worker config names. */
export function restSecurity(rest: WorkerConfig['rest']): {
  tls?: { key: Buffer; cert: Buffer };
  auth?: RestAuth;
} {
  const { keyFile, certFile } = rest.tls;
  if ((keyFile === '') !== (certFile === ''))
    throw new Error('rest.tls.keyFile and rest.tls.certFile must be set together');
  const tls =
    keyFile === '' ? undefined : { key: read(keyFile, 'rest.tls.keyFile'), cert: read(certFile, 'rest.tls.certFile') };
  const { usersFile, tokensFile } = rest.auth;
  const users =
    usersFile === '' ? undefined : parseUsersFile(read(usersFile, 'rest.auth.usersFile').toString('utf8'), usersFile);
  const tokens =
    tokensFile === ''
      ? undefined
      : read(tokensFile, 'rest.auth.tokensFile')
          .toString('utf8')
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter((line) => line !== '' && !line.startsWith('#'));
  if (tokens?.length === 0) throw new Error(`rest.auth.tokensFile: ${tokensFile} holds no token`);
  const auth = users || tokens ? { ...(users ? { users } : {}), ...(tokens ? { tokens } : {}) } : undefined;
  return { ...(tls ? { tls } : {}), ...(auth ? { auth } : {}) };
}

function read(file: string, key: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new Error(`${key}: cannot read ${file}: ${(error as Error).message}`);
  }
}
