/**
 * JSON Schemas of Kafka Connect's REST entities. Routes declare them (request parts are
 * validated by fastify, responses are documentation: the server serialises with JSON.stringify),
 * and GET /openapi.json is generated from the same declarations, so the document cannot drift
 * from the routes. A test validates real answers against them.
 */
const string = { type: 'string' } as const;
const stringMap = { type: 'object', additionalProperties: { type: ['string', 'null'] } } as const;
const jsonMap = { type: 'object', additionalProperties: true } as const;

export const errorMessage = {
  type: 'object',
  required: ['error_code', 'message'],
  properties: { error_code: { type: 'integer' }, message: string },
} as const;

const connectorType = { type: 'string', enum: ['source', 'sink', 'unknown'] } as const;

export const connectorInfo = {
  type: 'object',
  required: ['name', 'config', 'tasks', 'type'],
  properties: {
    name: string,
    config: stringMap,
    tasks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['connector', 'task'],
        properties: { connector: string, task: { type: 'integer' } },
      },
    },
    type: connectorType,
  },
} as const;

const state = { type: 'string', enum: ['UNASSIGNED', 'RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'RESTARTING'] } as const;

export const taskState = {
  type: 'object',
  required: ['id', 'state', 'worker_id'],
  properties: { id: { type: 'integer' }, state, worker_id: string, trace: string, version: string },
} as const;

export const connectorStateInfo = {
  type: 'object',
  required: ['name', 'connector', 'tasks', 'type'],
  properties: {
    name: string,
    connector: {
      type: 'object',
      required: ['state', 'worker_id'],
      properties: { state, worker_id: string, trace: string, version: string },
    },
    tasks: { type: 'array', items: taskState },
    type: connectorType,
  },
} as const;

export const taskInfos = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'config'],
    properties: { id: connectorInfo.properties.tasks.items, config: stringMap },
  },
} as const;

export const configMap = stringMap;

export const connectorOffsets = {
  type: 'object',
  required: ['offsets'],
  properties: {
    offsets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['partition', 'offset'],
        properties: { partition: jsonMap, offset: { anyOf: [jsonMap, { type: 'null' }] } },
      },
    },
  },
} as const;

export const message = { type: 'object', required: ['message'], properties: { message: string } } as const;

export const activeTopics = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['topics'],
    properties: { topics: { type: 'array', items: string } },
  },
} as const;

export const loggerLevel = {
  type: 'object',
  required: ['level', 'last_modified'],
  properties: { level: string, last_modified: { type: ['integer', 'null'] } },
} as const;

export const pluginInfos = {
  type: 'array',
  items: {
    type: 'object',
    required: ['class', 'type'],
    properties: { class: string, alias: string, type: string, version: string },
  },
} as const;

export const configKeyInfo = {
  type: 'object',
  required: ['name', 'type', 'required', 'importance', 'documentation', 'group', 'order'],
  properties: {
    name: string,
    type: string,
    required: { type: 'boolean' },
    default_value: { type: ['string', 'null'] },
    importance: string,
    documentation: string,
    group: { type: ['string', 'null'] },
    width: string,
    display_name: string,
    dependents: { type: 'array', items: string },
    order: { type: 'integer' },
  },
} as const;

export const configInfos = {
  type: 'object',
  required: ['name', 'error_count', 'groups', 'configs'],
  properties: {
    name: string,
    error_count: { type: 'integer' },
    groups: { type: 'array', items: string },
    configs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['definition', 'value'],
        properties: {
          definition: { anyOf: [configKeyInfo, { type: 'null' }] },
          value: {
            type: 'object',
            required: ['name', 'value', 'recommended_values', 'errors', 'visible'],
            properties: {
              name: string,
              value: { type: ['string', 'null'] },
              recommended_values: { type: 'array', items: string },
              errors: { type: 'array', items: string },
              visible: { type: 'boolean' },
            },
          },
        },
      },
    },
  },
} as const;

export const nameParams = { type: 'object', required: ['name'], properties: { name: string } } as const;
export const taskParams = {
  type: 'object',
  required: ['name', 'id'],
  properties: { name: string, id: string },
} as const;

/** An empty answer (202/204). */
export const noContent = { type: 'null', description: 'No body.' } as const;

/** Route options of a /connectors/{name}/... route: its summary, the name parameter, its answers. */
export function connectorRoute(summary: string, response: Record<number, object>, body?: object) {
  return { schema: { summary, params: nameParams, ...(body ? { body } : {}), response } };
}
