import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '@sluice/sdk';
import { requestFields } from './operator-log.js';

/** Who may call the REST API. With neither users nor tokens, everyone may. */
export interface RestAuth {
  /** HTTP basic: user name → password. */
  readonly users?: ReadonlyMap<string, string>;
  /** HTTP bearer: static tokens. */
  readonly tokens?: readonly string[];
}

/** Probes (liveness, readiness) stay open: orchestrators call them without credentials. */
const OPEN_PATHS = new Set(['/health', '/ready']);

/** Whether a path (without its query) is served without credentials whatever rest.auth.* says. */
export function isOpenPath(path: string): boolean {
  return OPEN_PATHS.has(path);
}

/**
 * Rejects a request without valid credentials with 401, a Connect-shaped error body and a
 * WWW-Authenticate challenge naming the schemes accepted, and logs each refusal at WARN with
 * the request, the scheme tried and why. A credential is never logged; a basic user name only
 * when it names a configured user (a password typed into the user field stays out of the log).
 */
export function requireAuth(app: FastifyInstance, auth: RestAuth, log: Logger): void {
  const users = [...(auth.users ?? [])].map(([user, password]) => [digest(user), digest(password)] as const);
  const tokens = (auth.tokens ?? []).map(digest);
  if (users.length === 0 && tokens.length === 0) return;
  const schemes = [...(users.length > 0 ? ['Basic realm="sluice"'] : []), ...(tokens.length > 0 ? ['Bearer'] : [])];
  app.addHook('onRequest', async (request, reply) => {
    if (isOpenPath(request.url.split('?')[0] ?? '')) return;
    const header = request.headers.authorization ?? '';
    const [scheme = '', credentials = ''] = header.split(/\s+/, 2);
    const kind = scheme.toLowerCase();
    if (kind === 'bearer' && matchesAny(tokens, digest(credentials))) return;
    const basic = kind === 'basic' ? checkBasic(users, credentials) : undefined;
    if (basic?.valid) return;
    const message = header === '' ? 'Authentication required' : 'Invalid credentials';
    const accepted = kind === 'basic' || kind === 'bearer';
    const reason = header === '' ? 'no credentials' : accepted ? 'invalid credentials' : 'unknown scheme';
    log.warn('authentication failed', {
      ...requestFields(request),
      reason,
      ...(accepted ? { scheme: kind } : {}),
      ...(basic?.knownUser === undefined ? {} : { user: basic.knownUser }),
    });
    return reply
      .code(401)
      .header('www-authenticate', schemes.join(', '))
      .send({ error_code: 401, message: `${message} (accepted: ${schemes.map((s) => s.split(' ')[0]).join(', ')})` });
  });
}

/** Whether basic credentials are valid, and the user they name if it is a configured one. */
function checkBasic(
  users: readonly (readonly [Buffer, Buffer])[],
  credentials: string,
): { valid: boolean; knownUser?: string } {
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { valid: false };
  const name = decoded.slice(0, colon);
  const user = digest(name);
  const password = digest(decoded.slice(colon + 1));
  // every entry and both parts are compared, so the time taken does not tell which user exists
  let valid = false;
  let known = false;
  for (const [u, p] of users) {
    const [sameUser, samePassword] = [same(u, user), same(p, password)];
    valid = (sameUser && samePassword) || valid;
    known = sameUser || known;
  }
  return known ? { valid, knownUser: name } : { valid };
}

function matchesAny(tokens: readonly Buffer[], given: Buffer): boolean {
  return tokens.reduce((found, token) => same(token, given) || found, false);
}

/** Fixed-length digests let timingSafeEqual compare secrets of any length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function same(a: Buffer, b: Buffer): boolean {
  return timingSafeEqual(a, b);
}

/**
 * A users file as Connect's basic-auth login module reads it: `user: password` (or
 * `user=password`) per line, `#` comments.
 */
export function parseUsersFile(text: string, file: string): Map<string, string> {
  const users = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const split = line.search(/[:=]/);
    if (split <= 0) throw new Error(`${file} line ${index + 1}: expected "user: password"`);
    users.set(line.slice(0, split).trim(), line.slice(split + 1).trim());
  });
  return users;
}
