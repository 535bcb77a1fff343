/** What the OpenAPI document says of one route beyond the schemas the route itself declares. */
export interface OperationDoc {
  /** Connect's own name for the operation (its resource method), where Connect has one. */
  readonly id: string;
  /**
   * Errors this route answers itself. Added to all: 431 (headers over Node's limit) everywhere,
   * 400/414 (path encoding, length) where the path has parameters, 400/413/415 where there is a
   * body, 401 under authentication.
   */
  readonly errors: readonly number[];
  /**
   * Body fields a valid request must have, by where they are: `''` the body itself, `config` the
   * body's `config` object. The handlers and the herder check them, with Connect's messages
   * (fastify's validation would answer with its own), so they are documented, not validated.
   */
  readonly required?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Every route's operation, by `METHOD /fastify/:url`. The server refuses to start when a route
 * has no entry or an entry no route, so a new route cannot go undocumented.
 */
export const OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'GET /': { id: 'serverInfo', errors: [] },
  'GET /health': { id: 'healthCheck', errors: [] },
  'GET /ready': { id: 'readinessCheck', errors: [] },
  'GET /sluice/cluster': { id: 'clusterView', errors: [] },
  'GET /metrics': { id: 'prometheusMetrics', errors: [] },
  'GET /openapi.json': { id: 'openApiDocument', errors: [] },
  'GET /connectors': { id: 'listConnectors', errors: [] },
  'POST /connectors': {
    id: 'createConnector',
    errors: [409],
    required: { '': ['name', 'config'], config: ['connector.class'] },
  },
  'GET /connectors/:name': { id: 'getConnector', errors: [404] },
  'GET /connectors/:name/config': { id: 'getConnectorConfig', errors: [404] },
  // the name comes from the path: the body needs only the class
  'PUT /connectors/:name/config': { id: 'putConnectorConfig', errors: [], required: { '': ['connector.class'] } },
  'PATCH /connectors/:name/config': { id: 'patchConnectorConfig', errors: [404] },
  'GET /connectors/:name/status': { id: 'getConnectorStatus', errors: [404] },
  'GET /connectors/:name/tasks': { id: 'getTaskConfigs', errors: [404] },
  'GET /connectors/:name/tasks/:id/status': { id: 'getTaskStatus', errors: [404] },
  'PUT /connectors/:name/pause': { id: 'pauseConnector', errors: [404] },
  'PUT /connectors/:name/resume': { id: 'resumeConnector', errors: [404] },
  'PUT /connectors/:name/stop': { id: 'stopConnector', errors: [404] },
  'POST /connectors/:name/restart': { id: 'restartConnector', errors: [404] },
  'POST /connectors/:name/tasks/:id/restart': { id: 'restartTask', errors: [404] },
  'DELETE /connectors/:name': { id: 'destroyConnector', errors: [404] },
  'GET /connectors/:name/topics': { id: 'getConnectorActiveTopics', errors: [] },
  'PUT /connectors/:name/topics/reset': { id: 'resetConnectorActiveTopics', errors: [] },
  'GET /connectors/:name/offsets': { id: 'getOffsets', errors: [400, 404] },
  'PATCH /connectors/:name/offsets': { id: 'alterConnectorOffsets', errors: [404], required: { '': ['offsets'] } },
  'DELETE /connectors/:name/offsets': { id: 'resetConnectorOffsets', errors: [400, 404] },
  'GET /connector-plugins': { id: 'listConnectorPlugins', errors: [400] },
  'GET /connector-plugins/:type/config': { id: 'getConnectorConfigDef', errors: [404] },
  'PUT /connector-plugins/:type/config/validate': { id: 'validateConfigs', errors: [404] },
  'GET /sluice/plugins': { id: 'listPluginStates', errors: [] },
  'POST /sluice/plugins/reload': { id: 'reloadPlugins', errors: [] },
  'GET /admin/loggers': { id: 'listLoggers', errors: [] },
  'GET /admin/loggers/:name': { id: 'getLogger', errors: [404] },
  // Connect answers an unknown level with 404 (sic)
  'PUT /admin/loggers/:name': { id: 'setLevel', errors: [404], required: { '': ['level'] } },
};

/** What each error status means here; every error body is Connect's `{error_code, message}`. */
export const ERROR_MEANINGS: Readonly<Record<number, string>> = {
  400: 'Bad request: malformed JSON or path encoding, a wrong shape, or an invalid config (the message lists every problem)',
  401: 'No valid credentials (basic or bearer, as configured)',
  404: 'No such connector, task, plugin or logger',
  409: 'A connector of that name exists',
  413: 'Request body over rest.bodyLimitBytes',
  414: 'A path parameter over 12 000 characters',
  415: 'Request body is not application/json',
  431: 'Request line or headers over 16 KiB',
};

/** Fields documented where a body requires them but its schema leaves them open. */
export const FIELD_SCHEMAS: Readonly<Record<string, object>> = {
  'connector.class': { type: 'string', description: 'The connector plugin: its package name or alias' },
};

/** Operations grouped by what they act on. */
export const TAGS = [
  { name: 'connectors', description: 'Connectors, their tasks, states and offsets (Kafka Connect)' },
  {
    name: 'plugins',
    description:
      'Installed connector plugins and config validation (Kafka Connect); broken plugins and reload (Sluice)',
  },
  { name: 'loggers', description: 'Log levels, changeable at run time (Kafka Connect)' },
  { name: 'worker', description: 'The worker itself: version, health, readiness, metrics, this document' },
] as const;

export function tagOf(url: string): string {
  if (url.startsWith('/connectors')) return 'connectors';
  if (url.startsWith('/connector-plugins') || url.startsWith('/sluice/plugins')) return 'plugins';
  if (url.startsWith('/admin/loggers')) return 'loggers';
  return 'worker';
}
