import type { FastifyInstance } from 'fastify';
import type { StandaloneRuntime } from '@sluice/runtime';
import { RestError, unknownConnectorAs } from './connect-errors.js';
import { connectorStatus } from './connector-views.js';
import * as schemas from './schemas.js';
import type { Serial } from './serial.js';

type Params = { name: string };

/** pause, resume, stop, restart (connector and task) and delete, with Connect's status codes. */
export function lifecycleRoutes(
  app: FastifyInstance,
  runtime: StandaloneRuntime,
  workerId: string,
  serial: Serial,
): void {
  // Connect answers pause and resume with 202 Accepted, stop with 204 No Content
  for (const [action, status] of [
    ['pause', 202],
    ['resume', 202],
    ['stop', 204],
  ] as const) {
    app.put<{ Params: Params }>(
      `/connectors/:name/${action}`,
      schemas.connectorRoute(`${action[0]?.toUpperCase()}${action.slice(1)}s a connector`, {
        [status]: schemas.noContent,
      }),
      async (request, reply) => {
        const { name } = request.params;
        // Connect's words: pause and resume say "Unknown connector", stop (distributed) too
        unknownConnectorAs(`Unknown connector ${name}`, () => runtime.status(name));
        await serial.run(() => runtime[action](name));
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
      if (!includeTasks && !onlyFailed) {
        runtime.status(name); // 404 for an unknown connector; the connector object itself holds nothing to restart
        return reply.code(204).send();
      }
      const status = plannedRestart(runtime, name, workerId, includeTasks, onlyFailed);
      const ids = status.tasks.filter((task) => task.state === 'RESTARTING').map((task) => task.id);
      // as Connect, the restart runs after the answer; its outcome shows in the status
      void serial
        .run(async () => {
          for (const id of ids) await runtime.restartTask(name, id);
        })
        .catch(() => undefined); // a task failing to start shows FAILED in its status
      return reply.code(202).send(status);
    },
  );

  app.post<{ Params: { name: string; id: string } }>(
    '/connectors/:name/tasks/:id/restart',
    { schema: { summary: 'Restarts a task', params: schemas.taskParams, response: { 204: schemas.noContent } } },
    async (request, reply) => {
      const { name, id } = request.params;
      runtime.status(name);
      if (!/^\d+$/.test(id) || runtime.status(name).tasks[Number(id)] === undefined)
        throw new RestError(404, `Task ${name}-${id} not found`);
      await serial.run(() => runtime.restartTask(name, Number(id)));
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: Params }>(
    '/connectors/:name',
    schemas.connectorRoute('Deletes a connector', { 204: schemas.noContent }),
    async (request, reply) => {
      await serial.run(() => runtime.remove(request.params.name));
      return reply.code(204).send();
    },
  );
}

/** The status with every instance chosen for restart shown as RESTARTING (Connect's restart plan). */
function plannedRestart(
  runtime: StandaloneRuntime,
  name: string,
  workerId: string,
  includeTasks: boolean,
  onlyFailed: boolean,
) {
  const status = unknownConnectorAs(`Unknown connector: ${name}`, () => connectorStatus(runtime, name, workerId));
  const chosen = (state: string) => !onlyFailed || state === 'FAILED';
  return {
    ...status,
    connector: chosen(status.connector.state) ? { ...status.connector, state: 'RESTARTING' } : status.connector,
    tasks: status.tasks.map((task) => (includeTasks && chosen(task.state) ? { ...task, state: 'RESTARTING' } : task)),
  };
}
