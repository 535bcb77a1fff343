import type { FastifyInstance } from 'fastify';
import type { StandaloneRuntime } from '@sluice/runtime';
import { RestError } from './connect-errors.js';
import { connectorInfo, connectorStatus, shownConfig, taskState } from './connector-views.js';

type Params = { name: string };
type TaskParams = { name: string; id: string };

/** Connect's /connectors resources over a standalone runtime. */
export function connectorsRoutes(app: FastifyInstance, runtime: StandaloneRuntime, workerId: string): void {
  app.get<{ Querystring: { expand?: string | string[] } }>('/connectors', async (request) => {
    const expand = [request.query.expand ?? []].flat();
    const names = runtime.names();
    if (expand.length === 0) return names;
    return Object.fromEntries(
      names.map((name) => [
        name,
        {
          ...(expand.includes('status') ? { status: connectorStatus(runtime, name, workerId) } : {}),
          ...(expand.includes('info') ? { info: connectorInfo(runtime, name) } : {}),
        },
      ]),
    );
  });

  app.post<{ Body: { name?: unknown; config?: unknown; initial_state?: unknown } }>(
    '/connectors',
    async (request, reply) => {
      const body = request.body ?? {};
      if (typeof body.name !== 'string' || body.name === '')
        throw new RestError(400, 'Connector name must be given in the request body as "name"');
      const config = stringMap(body.config ?? {}, 'config');
      if (config.name !== undefined && config.name !== body.name) {
        throw new RestError(
          400,
          `Connector name configuration (${config.name}) doesn't match connector name in the URL (${body.name})`,
        );
      }
      const initial = (body as { initial_state?: unknown }).initial_state ?? 'RUNNING';
      if (initial !== 'RUNNING' && initial !== 'PAUSED' && initial !== 'STOPPED') {
        throw new RestError(400, `initial_state must be RUNNING, PAUSED or STOPPED, not ${String(initial)}`);
      }
      await runtime.create({ ...config, name: body.name }, initial === 'RUNNING' ? 'STARTED' : initial);
      return reply
        .code(201)
        .header('location', `/connectors/${encodeURIComponent(body.name)}`)
        .send(connectorInfo(runtime, body.name));
    },
  );

  app.get<{ Params: Params }>('/connectors/:name', async (request) => connectorInfo(runtime, request.params.name));
  app.get<{ Params: Params }>('/connectors/:name/config', async (request) => shownConfig(runtime, request.params.name));

  app.put<{ Params: Params; Body: unknown }>('/connectors/:name/config', async (request, reply) => {
    const { name } = request.params;
    const config = stringMap(request.body ?? {}, 'body');
    if (config.name !== undefined && config.name !== name) {
      throw new RestError(
        400,
        `Connector name configuration (${config.name}) doesn't match connector name in the URL (${name})`,
      );
    }
    const created = await runtime.put({ ...config, name });
    if (created) void reply.header('location', `/connectors/${encodeURIComponent(name)}`);
    return reply.code(created ? 201 : 200).send(connectorInfo(runtime, name));
  });

  app.get<{ Params: Params }>('/connectors/:name/status', async (request) =>
    connectorStatus(runtime, request.params.name, workerId),
  );
  app.get<{ Params: Params }>('/connectors/:name/tasks', async (request) => {
    const info = connectorInfo(runtime, request.params.name);
    return info.tasks.map((id) => ({ id, config: info.config }));
  });
  app.get<{ Params: TaskParams }>('/connectors/:name/tasks/:id/status', async (request) => {
    const task = runtime.status(request.params.name).tasks[Number(request.params.id)];
    if (!task) throw new RestError(404, `Task ${request.params.name}-${request.params.id} not found`);
    return taskState(task, workerId);
  });

  // Connect answers pause and resume with 202 Accepted, stop with 204 No Content
  for (const [action, status] of [
    ['pause', 202],
    ['resume', 202],
    ['stop', 204],
  ] as const) {
    app.put<{ Params: Params }>(`/connectors/:name/${action}`, async (request, reply) => {
      await runtime[action](request.params.name);
      return reply.code(status).send();
    });
  }

  app.post<{ Params: Params; Querystring: { includeTasks?: string; onlyFailed?: string } }>(
    '/connectors/:name/restart',
    async (request, reply) => {
      const { name } = request.params;
      const includeTasks = request.query.includeTasks === 'true';
      const onlyFailed = request.query.onlyFailed === 'true';
      runtime.status(name); // 404 for an unknown connector before anything restarts
      if (!includeTasks) return reply.code(204).send(); // the connector object itself holds no resources here
      await runtime.restart(name, onlyFailed);
      return reply.code(202).send(connectorStatus(runtime, name, workerId));
    },
  );

  app.post<{ Params: TaskParams }>('/connectors/:name/tasks/:id/restart', async (request, reply) => {
    await runtime.restartTask(request.params.name, Number(request.params.id));
    return reply.code(204).send();
  });

  app.delete<{ Params: Params }>('/connectors/:name', async (request, reply) => {
    await runtime.remove(request.params.name);
    return reply.code(204).send();
  });
}

/** A JSON object of config values, as Connect's string map; anything else is a 400 naming `what`. */
function stringMap(value: unknown, what: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RestError(400, `${what} must be a JSON object of config values`);
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]),
  );
}
