import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '@sluice/sdk';
import { parseConnectLevel } from '../log-levels.js';

/**
 * The operator's changes, by route and success status: the message of the one INFO line a
 * change writes once it has been answered (the herder resolves a change once it is stored, so
 * an answer in this table means the change happened). Failed requests change nothing and write
 * none. The REST layer logs them, not the herder: the herder does not know the request, and
 * connector files applied at start are logged by the worker that reads them.
 */
const CHANGES: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  'POST /connectors': { 201: 'connector created' },
  'PUT /connectors/:name/config': { 200: 'connector updated', 201: 'connector created' },
  'PUT /connectors/:name/pause': { 202: 'connector paused' },
  'PUT /connectors/:name/resume': { 202: 'connector resumed' },
  'PUT /connectors/:name/stop': { 204: 'connector stopped' },
  // the restart runs after the answer (as Connect); its outcome shows in the status
  'POST /connectors/:name/restart': { 202: 'connector restarted', 204: 'connector restarted' },
  'POST /connectors/:name/tasks/:id/restart': { 204: 'task restarted' },
  'DELETE /connectors/:name': { 204: 'connector deleted' },
  'PATCH /connectors/:name/offsets': { 200: 'connector offsets altered' },
  'DELETE /connectors/:name/offsets': { 200: 'connector offsets reset' },
  'PUT /connectors/:name/topics/reset': { 202: 'connector active topics reset' },
  'PUT /admin/loggers/:name': { 200: 'logger level set', 204: 'logger level set' },
};

/** A request id a client may choose (X-Request-Id): short, and only characters safe in a log line. */
const CLIENT_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Request ids: the client's X-Request-Id when it is a plain token, else a random UUID. The id
 * is sent back in X-Request-Id, so a caller can find the log lines of its own request.
 */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

/** The request a log line is about: method, url (with the query), request id, remote address. */
export function requestFields(request: FastifyRequest): Record<string, string> {
  return { method: request.method, url: request.url, requestId: request.id, remote: request.ip };
}

/**
 * Logs what the REST API does: every answer at DEBUG (`request answered`: method, url, status,
 * ms) and each operator change at INFO (what, which connector, from which request), through
 * `log`. Call before the routes are registered; the server refuses to start if a change in the
 * table names a route it does not have, so the table cannot silently fall behind the routes.
 */
export function operatorLog(app: FastifyInstance, log: Logger): void {
  const routes = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.add(`${method} ${route.url}`);
  });
  app.addHook('onReady', async () => {
    const missing = Object.keys(CHANGES).filter((route) => !routes.has(route));
    if (missing.length > 0) throw new Error(`operator log: no such route: ${missing.join(', ')}`);
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const fields = requestFields(request);
    log.debug('request answered', { ...fields, status, ms: Math.round(reply.elapsedTime * 10) / 10 });
    const message = CHANGES[`${request.method} ${request.routeOptions.url ?? ''}`]?.[status];
    if (message !== undefined) log.info(message, { ...changeFields(request), ...fields, status });
  });
}

/** What a change names: its connector (or logger), and what it set; never a config value. */
function changeFields(request: FastifyRequest): Record<string, unknown> {
  const params = (request.params ?? {}) as { name?: string; id?: string };
  const body = (request.body ?? {}) as { name?: unknown; level?: unknown; offsets?: unknown };
  if (request.routeOptions.url?.startsWith('/admin/loggers/'))
    return { target: params.name, to: parseConnectLevel(String(body.level)) }; // 'level' is the line's own
  const connector = params.name ?? (typeof body.name === 'string' ? body.name : undefined);
  return {
    connector,
    ...(params.id === undefined ? {} : { task: Number(params.id) }),
    ...(Array.isArray(body.offsets) ? { partitions: body.offsets.length } : {}),
  };
}
