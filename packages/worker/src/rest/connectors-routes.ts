import type { FastifyInstance } from 'fastify';
import type { ConnectorCatalog, StandaloneRuntime } from '@sluice/runtime';
import { RestError, unknownConnectorAs } from './connect-errors.js';
import { withConfigErrors } from './config-validation.js';
import { connectorInfo, connectorStatus, shownConfig, taskInfos, taskState } from './connector-views.js';
import { lifecycleRoutes } from './lifecycle-routes.js';
import * as schemas from './schemas.js';
import type { Serial } from './serial.js';

type Params = { name: string };
type TaskParams = { name: string; id: string };

const createBody = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    config: { type: 'object', additionalProperties: true },
    initial_state: { type: 'string' },
  },
} as const;

/** Connect's /connectors resources over a standalone runtime. */
export function connectorsRoutes(
  app: FastifyInstance,
  runtime: StandaloneRuntime,
  catalog: ConnectorCatalog,
  workerId: string,
  serial: Serial,
): void {
  app.get<{ Querystring: { expand?: string | string[] } }>(
    '/connectors',
    {
      schema: {
        summary: 'Connector names; with expand=status and/or expand=info, an object keyed by name',
        querystring: {
          type: 'object',
          properties: { expand: { type: 'array', items: { type: 'string' } } },
        },
        response: {
          200: {
            anyOf: [
              { type: 'array', items: { type: 'string' } },
              {
                type: 'object',
                additionalProperties: {
                  type: 'object',
                  properties: { status: schemas.connectorStateInfo, info: schemas.connectorInfo },
                },
              },
            ],
          },
        },
      },
    },
    async (request) => {
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
    },
  );

  app.post<{ Body: { name?: unknown; config?: unknown; initial_state?: unknown } }>(
    '/connectors',
    { schema: { summary: 'Creates a connector', body: createBody, response: { 201: schemas.connectorInfo } } },
    async (request, reply) => {
      const body = request.body ?? {};
      if (typeof body.name !== 'string' || body.name === '')
        throw new RestError(400, 'Connector name must be given in the request body as "name"');
      const config = stringMap(body.config ?? {}, 'config');
      checkName(config, body.name);
      const initial = body.initial_state ?? 'RUNNING';
      if (initial !== 'RUNNING' && initial !== 'PAUSED' && initial !== 'STOPPED') {
        throw new RestError(400, `initial_state must be RUNNING, PAUSED or STOPPED, not ${String(initial)}`);
      }
      const full = { ...config, name: body.name };
      await withConfigErrors(catalog, full, () => runtime.create(full, initial === 'RUNNING' ? 'STARTED' : initial));
      return reply
        .code(201)
        .header('location', `/connectors/${encodeURIComponent(body.name)}`)
        .send(connectorInfo(runtime, body.name));
    },
  );

  app.get<{ Params: Params }>(
    '/connectors/:name',
    schemas.connectorRoute('A connector', { 200: schemas.connectorInfo }),
    async (request) => connectorInfo(runtime, request.params.name),
  );
  app.get<{ Params: Params }>(
    '/connectors/:name/config',
    schemas.connectorRoute("A connector's config (secrets hidden)", { 200: schemas.configMap }),
    async (request) => shownConfig(runtime, request.params.name),
  );

  app.put<{ Params: Params; Body: unknown }>(
    '/connectors/:name/config',
    schemas.connectorRoute(
      "Creates (201) or updates (200) a connector's config",
      { 200: schemas.connectorInfo, 201: schemas.connectorInfo },
      { type: 'object', additionalProperties: true },
    ),
    async (request, reply) => {
      const { name } = request.params;
      const config = stringMap(request.body ?? {}, 'body');
      checkName(config, name);
      const full = { ...config, name };
      const created = await serial.run(() => withConfigErrors(catalog, full, () => runtime.put(full)));
      if (created) void reply.header('location', `/connectors/${encodeURIComponent(name)}`);
      return reply.code(created ? 201 : 200).send(connectorInfo(runtime, name));
    },
  );

  app.get<{ Params: Params }>(
    '/connectors/:name/status',
    schemas.connectorRoute("A connector's and its tasks' states", { 200: schemas.connectorStateInfo }),
    async (request) =>
      unknownConnectorAs(`No status found for connector ${request.params.name}`, () =>
        connectorStatus(runtime, request.params.name, workerId),
      ),
  );
  app.get<{ Params: Params }>(
    '/connectors/:name/tasks',
    schemas.connectorRoute("A connector's tasks", { 200: schemas.taskInfos }),
    async (request) => taskInfos(runtime, request.params.name),
  );
  app.get<{ Params: TaskParams }>(
    '/connectors/:name/tasks/:id/status',
    { schema: { summary: "A task's state", params: schemas.taskParams, response: { 200: schemas.taskState } } },
    async (request) => {
      const { name, id } = request.params;
      const tasks = unknownConnectorAs(`No status found for task ${name}-${id}`, () => runtime.status(name).tasks);
      const task = /^\d+$/.test(id) ? tasks[Number(id)] : undefined;
      if (!task) throw new RestError(404, `No status found for task ${name}-${id}`);
      return taskState(task, workerId);
    },
  );

  lifecycleRoutes(app, runtime, workerId, serial);
}

function checkName(config: Record<string, string>, name: string): void {
  if (config.name !== undefined && config.name !== name) {
    throw new RestError(
      400,
      `Connector name configuration (${config.name}) doesn't match connector name in the URL (${name})`,
    );
  }
}

/** A JSON object of config values, as Connect's string map; anything else is a 400 naming `what`. */
function stringMap(value: unknown, what: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RestError(400, `${what} must be a JSON object of config values`);
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]),
  );
}
