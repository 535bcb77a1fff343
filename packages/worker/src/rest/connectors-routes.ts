import type { FastifyInstance } from 'fastify';
import type { Herder, TargetState } from '@sluice/runtime';
import { RestError, unknownConnectorAs } from './connect-errors.js';
import { lifecycleRoutes } from './lifecycle-routes.js';
import { checkBody, connectorUrl, patchMap, stringMap } from './request-checks.js';
import * as schemas from './schemas.js';

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

const INITIAL_STATES: Record<string, TargetState> = { RUNNING: 'STARTED', PAUSED: 'PAUSED', STOPPED: 'STOPPED' };

/** Connect's /connectors resources, over a herder. */
export function connectorsRoutes(app: FastifyInstance, herder: Herder): void {
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
      const names = herder.connectors();
      if (expand.length === 0) return names;
      return Object.fromEntries(
        names.map((name) => [
          name,
          {
            ...(expand.includes('status') ? { status: herder.connectorStatus(name) } : {}),
            ...(expand.includes('info') ? { info: herder.connectorInfo(name) } : {}),
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
      checkBody(body);
      // no name is an empty one, which the config check refuses (as Connect)
      const name = typeof body.name === 'string' ? body.name : '';
      if (body.name !== undefined && typeof body.name !== 'string')
        throw new RestError(400, 'Connector name must be given in the request body as a string "name"');
      const config = stringMap(body.config ?? {}, 'config');
      checkName(config, name);
      const initial = INITIAL_STATES[String(body.initial_state ?? 'RUNNING')];
      if (!initial) {
        throw new RestError(400, `initial_state must be RUNNING, PAUSED or STOPPED, not ${String(body.initial_state)}`);
      }
      const info = await herder.createConnector({ ...config, name }, initial);
      return reply.code(201).header('location', connectorUrl(request, name)).send(info);
    },
  );

  app.get<{ Params: Params }>(
    '/connectors/:name',
    schemas.connectorRoute('A connector', { 200: schemas.connectorInfo }),
    async (request) => herder.connectorInfo(request.params.name),
  );
  app.get<{ Params: Params }>(
    '/connectors/:name/config',
    schemas.connectorRoute("A connector's config (secrets hidden)", { 200: schemas.configMap }),
    async (request) => herder.connectorConfig(request.params.name),
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
      checkBody(request.body);
      const config = stringMap(request.body ?? {}, 'body');
      checkName(config, name);
      const { created, info } = await herder.putConnectorConfig(name, { ...config, name });
      if (created) void reply.header('location', connectorUrl(request, name));
      return reply.code(created ? 201 : 200).send(info);
    },
  );

  app.patch<{ Params: Params; Body: unknown }>(
    '/connectors/:name/config',
    schemas.connectorRoute(
      "Merges keys into a connector's config (KIP-477): a null value removes the key",
      { 200: schemas.connectorInfo },
      { type: 'object', additionalProperties: true }, // values: strings, or null to remove (checked by patchMap)
    ),
    async (request) => {
      const { name } = request.params;
      checkBody(request.body);
      const patch = patchMap(request.body);
      if (patch.name !== null && patch.name !== undefined) checkName({ name: patch.name }, name);
      return herder.patchConnectorConfig(name, patch);
    },
  );

  app.get<{ Params: Params }>(
    '/connectors/:name/status',
    schemas.connectorRoute("A connector's and its tasks' states", { 200: schemas.connectorStateInfo }),
    async (request) =>
      unknownConnectorAs(`No status found for connector ${request.params.name}`, () =>
        herder.connectorStatus(request.params.name),
      ),
  );
  app.get<{ Params: Params }>(
    '/connectors/:name/tasks',
    schemas.connectorRoute("A connector's tasks", { 200: schemas.taskInfos }),
    async (request) => herder.taskConfigs(request.params.name),
  );
  app.get<{ Params: TaskParams }>(
    '/connectors/:name/tasks/:id/status',
    { schema: { summary: "A task's state", params: schemas.taskParams, response: { 200: schemas.taskState } } },
    async (request) => {
      const { name, id } = request.params;
      const tasks = unknownConnectorAs(
        `No status found for task ${name}-${id}`,
        () => herder.connectorStatus(name).tasks,
      );
      const task = /^\d+$/.test(id) ? tasks.find((t) => t.id === Number(id)) : undefined;
      if (!task) throw new RestError(404, `No status found for task ${name}-${id}`);
      return task;
    },
  );

  lifecycleRoutes(app, herder);
}

function checkName(config: Record<string, string>, name: string): void {
  if (config.name !== undefined && config.name !== name) {
    throw new RestError(
      400,
      `Connector name configuration (${config.name}) doesn't match connector name in the URL (${name})`,
    );
  }
}
