import type { FastifyInstance } from 'fastify';
import type { Herder } from '@sluice/runtime';
import type { LogLevels } from '../log-levels.js';
import { parseConnectLevel } from '../log-levels.js';
import { RestError } from './connect-errors.js';
import * as schemas from './schemas.js';

const loggerParams = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } as const;

/**
 * Connect's /admin/loggers: one logger per connector (its name) plus `worker` and `root`, levels
 * changed at run time (scope=worker; a standalone worker is the whole cluster, so scope=cluster
 * applies here too and answers 204 as Connect).
 */
export function loggersRoutes(app: FastifyInstance, herder: Herder, levels: LogLevels): void {
  app.get(
    '/admin/loggers',
    {
      schema: {
        summary: 'Every logger and its level',
        response: { 200: { type: 'object', additionalProperties: schemas.loggerLevel } },
      },
    },
    async () => Object.fromEntries(levels.names(herder.connectors()).map((name) => [name, levels.levelOf(name)])),
  );

  app.get<{ Params: { name: string } }>(
    '/admin/loggers/:name',
    { schema: { summary: "A logger's level", params: loggerParams, response: { 200: schemas.loggerLevel } } },
    async (request) => {
      const name = request.params.name.toLowerCase() === 'root' ? 'root' : request.params.name;
      if (!levels.names(herder.connectors()).includes(name)) throw new RestError(404, `Logger ${name} not found.`);
      return levels.levelOf(name);
    },
  );

  app.put<{ Params: { name: string }; Body: { level?: unknown }; Querystring: { scope?: string } }>(
    '/admin/loggers/:name',
    {
      schema: {
        summary: 'Sets a logger and its descendants; answers the loggers whose level changed',
        params: loggerParams,
        querystring: { type: 'object', properties: { scope: { type: 'string' } } },
        body: { type: 'object', properties: { level: { type: 'string' } } },
        response: { 200: { type: 'array', items: { type: 'string' } }, 204: schemas.noContent },
      },
    },
    async (request, reply) => {
      const wanted = request.body?.level;
      if (typeof wanted !== 'string' || wanted === '')
        throw new RestError(400, "Desired 'level' parameter was not specified in request.");
      // any case, as the command line takes it; Connect answers an unknown level with 404 (sic)
      const level = parseConnectLevel(wanted);
      if (level === undefined) throw new RestError(404, `invalid log level '${wanted}'.`);
      const name = request.params.name.toLowerCase() === 'root' ? 'root' : request.params.name;
      const changed = levels.set(name, level, levels.names(herder.connectors()));
      if (request.query.scope?.toLowerCase() === 'cluster') return reply.code(204).send();
      return changed;
    },
  );
}
