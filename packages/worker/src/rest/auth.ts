import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** Who may call the REST API. With neither users nor tokens, everyone may. */
export interface RestAuth {
  /** HTTP basic: user name → password. */
  readonly users?: ReadonlyMap<string, string>;
  /** HTTP bearer: static tokens. */
  readonly tokens?: readonly string[];
}

/** Probes (liveness, readiness) stay open: orchestrators call them without credentials. */
const OPEN_PATHS = new Set(['/health', '/ready']);

/**
 * Rejects a request without valid credentials with 401, a Connect-shaped error body and a
 * WWW-Authenticate challenge naming the schemes accepted.
 */
export function requireAuth(app: FastifyInstance, auth: RestAuth): void {
  const users = [...(auth.users ?? [])].map(([user, password]) => [digest(user), digest(password)] as const);
  const tokens = (auth.tokens ?? []).map(digest);
  if (users.length === 0 && tokens.length === 0) return;
  const schemes = [...(users.length > 0 ? ['Basic realm="sluice"'] : []), ...(tokens.length > 0 ? ['Bearer'] : [])];
  app.addHook('onRequest', async (request, reply) => {
    if (OPEN_PATHS.has(request.url.split('?')[0] ?? '')) return;
    const header = request.headers.authorization ?? '';
    const [scheme = '', credentials = ''] = header.split(/\s+/, 2);
    if (scheme.toLowerCase() === 'bearer' && matchesAny(tokens, digest(credentials))) return;
    if (scheme.toLowerCase() === 'basic' && validBasic(users, credentials)) return;
    const message = header === '' ? 'Authentication required' : 'Invalid credentials';
    return reply
      .code(401)
      .header('www-authenticate', schemes.join(', '))
      .send({ error_code: 401, message: `${message} (accepted: ${schemes.map((s) => s.split(' ')[0]).join(', ')})` });
  });
}

function validBasic(users: readonly (readonly [Buffer, Buffer])[], credentials: string): boolean {
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const user = digest(decoded.slice(0, colon));
  const password = digest(decoded.slice(colon + 1));
  // every entry and both parts are compared, so the time taken does not tell which user exists
  return users.reduce((found, [u, p]) => [same(u, user), same(p, password)].every(Boolean) || found, false);
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
