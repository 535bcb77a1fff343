import type { FastifyInstance } from 'fastify';
import type { Herder } from '@sluice/runtime';
import { RestError, unknownConnectorAs, unknownConnectorAsync } from './connect-errors.js';
import * as schemas from './schemas.js';

type Params = { name: string };

/** pause, resume, stop, restart (connector and task) and delete, with Connect's status codes. */
export function lifecycleRoutes(app: FastifyInstance, herder: Herder): void {
  // Connect answers pause and resume with 202 Accepted, stop with 204 No Content
  const actions = [
    ['pause', 202, (name: string) => herder.pauseConnector(name)],
    ['resume', 202, (name: string) => herder.resumeConnector(name)],
    ['stop', 204, (name: string) => herder.stopConnector(name)],
  ] as const;
  for (const [action, status, change] of actions) {
    app.put<{ Params: Params }>(
      `/connectors/:name/${action}`,
      schemas.connectorRoute(`${action[0]?.toUpperCase()}${action.slice(1)}s a connector`, {
        [status]: schemas.noContent,
      }),
      async (request, reply) => {
        const { name } = request.params;
        // Connect's words: pause and resume say "Unknown connector", stop (distributed) too
        await unknownConnectorAsync(`Unknown connector ${name}`, () => change(name));
        return reply.code(status).send();
      },
    );
  }

  app.post<{ Params: Params; Querystring: { includeTasks?: string; onlyFailed?: string } }>(
    '/connectors/:name/restart',
    {
      schema: {
        summary: 'Restarts a connector (204); with includeTasks/onlyFailed, the chosen instances (202 + their states)',
        params: schemas.nameParams,
        querystring: {
          type: 'object',
          properties: {
            includeTasks: { type: 'string', description: 'true restarts the tasks too (default false)' },
            onlyFailed: { type: 'string', description: 'true restarts only FAILED instances (default false)' },
          },
        },
        response: { 202: schemas.connectorStateInfo, 204: schemas.noContent },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      // as Connect (Boolean.valueOf): "true" in any case is true, anything else false
      const includeTasks = request.query.includeTasks?.toLowerCase() === 'true';
      const onlyFailed = request.query.onlyFailed?.toLowerCase() === 'true';
      const plan = await unknownConnectorAsync(`Unknown connector: ${name}`, () =>
        herder.restartConnector(name, { includeTasks, onlyFailed }),
      );
      // as Connect, the restart runs after the answer; its outcome shows in the status
      return plan === undefined ? reply.code(204).send() : reply.code(202).send(plan);
    },
  );

  app.post<{ Params: { name: string; id: string } }>(
    '/connectors/:name/tasks/:id/restart',
    { schema: { summary: 'Restarts a task', params: schemas.taskParams, response: { 204: schemas.noContent } } },
    async (request, reply) => {
      const { name, id } = request.params;
      const tasks = unknownConnectorAs(`Unknown connector: ${name}`, () => herder.connectorInfo(name).tasks);
      if (!/^\d+$/.test(id) || !tasks.some((task) => task.task === Number(id)))
        throw new RestError(404, `Unknown task: ${name}-${id}`);
      await herder.restartTask(name, Number(id));
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: Params }>(
    '/connectors/:name',
    schemas.connectorRoute('Deletes a connector', { 204: schemas.noContent }),
    async (request, reply) => {
      await herder.deleteConnector(request.params.name);
      return reply.code(204).send();
    },
  );
}
