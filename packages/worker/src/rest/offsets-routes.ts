import type { FastifyInstance } from 'fastify';
import type { ConnectorOffset, Herder } from '@sluice/runtime';
import { RestError } from './connect-errors.js';
import * as schemas from './schemas.js';

type Params = { name: string };

// Connect's words for a connector that manages no offsets outside the framework: a Sluice
// connector has no hook to keep offsets of its own, so every offset is the framework's
const ALTERED = 'The offsets for this connector have been altered successfully';
const RESET = 'The offsets for this connector have been reset successfully';

/** Connect's offsets (KIP-875) and active topics (KIP-558) resources. */
export function offsetsRoutes(app: FastifyInstance, herder: Herder): void {
  app.get<{ Params: Params }>(
    '/connectors/:name/offsets',
    schemas.connectorRoute("A connector's offsets (source: its own; sink: its consumer group's)", {
      200: schemas.connectorOffsets,
    }),
    async (request) => ({ offsets: await herder.connectorOffsets(request.params.name) }),
  );

  app.patch<{ Params: Params; Body: { offsets?: ConnectorOffset[] | null } }>(
    '/connectors/:name/offsets',
    {
      schema: {
        summary: 'Alters offsets (connector must be STOPPED); offset null removes a partition',
        params: schemas.nameParams,
        body: {
          type: 'object',
          properties: { offsets: { anyOf: [schemas.connectorOffsets.properties.offsets, { type: 'null' }] } },
        },
        response: { 200: schemas.message },
      },
    },
    async (request) => {
      const { name } = request.params;
      // the body first, then the name, as Connect
      const given = request.body.offsets;
      if (!given || given.length === 0)
        throw new RestError(400, 'Partitions / offsets need to be provided for an alter offsets request');
      herder.connectorInfo(name);
      await herder.alterConnectorOffsets(name, given);
      return { message: ALTERED };
    },
  );

  app.delete<{ Params: Params }>(
    '/connectors/:name/offsets',
    schemas.connectorRoute('Resets every offset (connector must be STOPPED)', { 200: schemas.message }),
    async (request) => {
      await herder.resetConnectorOffsets(request.params.name);
      return { message: RESET };
    },
  );

  app.get<{ Params: Params }>(
    '/connectors/:name/topics',
    schemas.connectorRoute('Topics the connector produced to or consumed from since created or reset', {
      200: schemas.activeTopics,
    }),
    async (request) => ({ [request.params.name]: { topics: herder.activeTopics(request.params.name) } }),
  );

  app.put<{ Params: Params }>(
    '/connectors/:name/topics/reset',
    schemas.connectorRoute("Forgets a connector's active topics", { 202: schemas.noContent }),
    async (request, reply) => {
      herder.resetActiveTopics(request.params.name);
      return reply.code(202).send();
    },
  );
}
