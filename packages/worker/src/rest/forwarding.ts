import type { FastifyReply, FastifyRequest } from 'fastify';

/** Connect's answer when a change cannot reach a leader: the client should retry. */
const NO_LEADER = 409;

/** What the herder's NotLeaderError carries (matched by name: the REST layer imports no runtime class). */
interface NotLeader {
  readonly name: 'NotLeaderError';
  readonly leaderUrl: string | undefined;
  readonly message: string;
}

export function isNotLeader(error: unknown): error is NotLeader {
  return (error as { name?: unknown } | null)?.name === 'NotLeaderError';
}

/**
 * Connect's request forwarding: a change that reached a worker which is not the leader is sent
 * on to the leader with `forward=false` (so it goes at most one hop further, two in all), and
 * the leader's answer is relayed as is. Without a known leader, or when the request was itself
 * forwarded, the answer is 409 and the client retries.
 */
export async function forwardToLeader(error: NotLeader, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const forwarded = (request.query as { forward?: string } | undefined)?.forward === 'false';
  if (error.leaderUrl === undefined || forwarded) {
    await reply.code(NO_LEADER).send({ error_code: NO_LEADER, message: error.message });
    return;
  }
  const target = new URL(request.url, error.leaderUrl);
  target.searchParams.set('forward', 'false');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (request.headers.authorization) headers.authorization = request.headers.authorization;
  const hasBody = request.body !== undefined && request.method !== 'GET' && request.method !== 'DELETE';
  try {
    const answer = await fetch(target, {
      method: request.method,
      headers,
      ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const location = answer.headers.get('location');
    if (location) void reply.header('location', location);
    const type = answer.headers.get('content-type');
    if (type) void reply.type(type);
    await reply.code(answer.status).send(await answer.text());
  } catch (cause) {
    const message = `Forwarding the request to the leader at ${error.leaderUrl} failed: ${(cause as Error).message}`;
    await reply.code(NO_LEADER).send({ error_code: NO_LEADER, message });
  }
}
