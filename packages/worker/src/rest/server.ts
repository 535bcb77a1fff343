import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { ConnectorCatalog, StandaloneRuntime } from '@sluice/runtime';
import { toConnectError } from './connect-errors.js';
import { connectorsRoutes } from './connectors-routes.js';
import { metricsRoute } from './metrics-route.js';
import { pluginsRoutes } from './plugins-routes.js';

export interface RestServerOptions {
  readonly runtime: StandaloneRuntime;
  readonly catalog: ConnectorCatalog;
  /** host:port this worker is reached at; reported as worker_id in statuses. */
  readonly workerId: string;
  readonly version: string;
  /** Largest request body accepted, bytes (default 1 MiB); larger ones get 413. */
  readonly bodyLimit?: number;
}

/** The Kafka Connect–compatible REST API over a standalone runtime (fastify). */
export function createRestServer(options: RestServerOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: options.bodyLimit ?? 1 << 20, logger: false });
  app.setErrorHandler((error, _request, reply) => {
    const body = toConnectError(error);
    void reply.code(body.error_code).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error_code: 404, message: `HTTP 404 Not Found: no resource ${request.method} ${request.url}` });
  });
  app.get('/', async () => ({ version: options.version, commit: 'sluice', kafka_cluster_id: null }));
  app.get('/health', async () => ({
    status: 'healthy',
    message: 'Worker has completed startup and is ready to handle requests.',
  }));
  app.get('/ready', async () => ({ status: 'ready', connectors: options.runtime.names().length }));
  metricsRoute(app, options.runtime);
  connectorsRoutes(app, options.runtime, options.workerId);
  pluginsRoutes(app, options.catalog);
  return app;
}
