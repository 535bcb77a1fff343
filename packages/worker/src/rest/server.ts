import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '@sluice/sdk';
import type { Herder } from '@sluice/runtime';
import { LogLevels } from '../log-levels.js';
import type { RestAuth } from './auth.js';
import { requireAuth } from './auth.js';
import { RestError, toConnectError } from './connect-errors.js';
import { connectorsRoutes } from './connectors-routes.js';
import { forwardToLeader, isNotLeader } from './forwarding.js';
import { MAX_PARAM_LENGTH, clientErrorHandler, frameworkErrors } from './framework-errors.js';
import { loggersRoutes } from './loggers-routes.js';
import { metricsRoute } from './metrics-route.js';
import { offsetsRoutes } from './offsets-routes.js';
import { openApi } from './openapi.js';
import { operatorLog, requestId } from './operator-log.js';
import { pluginAdminRoutes } from '../plugins/plugin-routes.js';
import { pluginsRoutes } from './plugins-routes.js';
import { unroutedAnswers } from './unrouted.js';

export interface RestServerOptions {
  /** Everything the routes do goes through it (standalone or distributed). */
  readonly herder: Herder;
  readonly version: string;
  /** The build's commit, as GET / shows it (default `unknown`). */
  readonly commit?: string;
  /** Levels /admin/loggers reads and changes (default: a set of its own, root at INFO). */
  readonly logLevels?: LogLevels;
  /** Largest request body accepted, bytes (default 1 MiB); larger ones get 413. */
  readonly bodyLimit?: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  readonly auth?: RestAuth;
  /**
   * Where the REST layer's own lines go (the worker's logger): each operator change at INFO,
   * every answer at DEBUG, failed authentication at WARN. Default: nowhere.
   */
  readonly log?: Logger;
}

const SILENT: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** The Kafka Connect–compatible REST API over a herder (fastify). */
export function createRestServer(options: RestServerOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? 1 << 20,
    logger: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    genReqId: requestId,
    frameworkErrors,
    clientErrorHandler,
    ...(options.tls ? { https: { key: options.tls.key, cert: options.tls.cert } } : {}),
  }) as unknown as FastifyInstance;
  // Connect consumes JSON only: any other body type is 415, as Jersey answers
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined); // bodiless PUT/POST with a JSON content type
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      // the parser's reason and position, e.g. "Unexpected end of JSON input"
      done(new RestError(400, `Request body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });
  // response schemas document the API (OpenAPI); answers are small, plain JSON.stringify will do
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(async (error, request, reply) => {
    if (isNotLeader(error)) return forwardToLeader(error, request, reply);
    const body = toConnectError(error);
    return reply.code(body.error_code).send(body);
  });
  unroutedAnswers(app);
  startingUpReads(app, options.herder);
  const log = options.log ?? SILENT;
  operatorLog(app, log);
  requireAuth(app, options.auth ?? {}, log);
  openApi(app, { title: 'Sluice worker', version: options.version, auth: options.auth ?? {} });
  // in a plugin, registered after the document's generator, so that it sees every route
  void app.register(async (api) => {
    serverRoutes(api, options);
    metricsRoute(api, options.herder);
    connectorsRoutes(api, options.herder);
    offsetsRoutes(api, options.herder);
    pluginsRoutes(api, options.herder);
    pluginAdminRoutes(api, options.herder);
    loggersRoutes(api, options.herder, options.logLevels ?? new LogLevels('info'));
  });
  return app;
}

/**
 * Reads answer from the herder's memory: before it read the stored connectors (a distributed
 * worker's config topic, to its end) they would answer an empty cluster, so they answer 503.
 */
function startingUpReads(app: FastifyInstance, herder: Herder): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || !request.url.startsWith('/connectors') || herder.hasLoaded()) return;
    const message = 'The worker is still starting up: it has not read the stored connectors yet';
    return reply.code(503).send({ error_code: 503, message });
  });
}

function serverRoutes(app: FastifyInstance, options: RestServerOptions): void {
  const object = (properties: Record<string, unknown>) => ({ type: 'object', properties });
  const text = { type: 'string' };
  app.get(
    '/',
    {
      schema: {
        summary: 'Version',
        response: { 200: object({ version: text, commit: text, kafka_cluster_id: { type: ['string', 'null'] } }) },
      },
    },
    // the broker's cluster id as the herder read it
    async () => ({
      version: options.version,
      commit: options.commit ?? 'unknown',
      kafka_cluster_id: options.herder.cluster().kafkaClusterId ?? null,
    }),
  );
  app.get(
    '/sluice/cluster',
    {
      schema: {
        summary: "The cluster: its workers, their slots, the leader, and which worker runs which task (Sluice's)",
        response: {
          200: object({
            mode: text,
            leader: { type: ['string', 'null'] },
            workers: {
              type: 'array',
              items: object({
                id: text,
                url: { type: ['string', 'null'] },
                slots: { type: 'array', items: { type: 'integer' } },
                tasks: { type: 'array', items: text },
              }),
            },
          }),
        },
      },
    },
    async () => {
      const view = options.herder.cluster();
      return { ...view, leader: view.leader ?? null, workers: view.workers.map((w) => ({ ...w, url: w.url ?? null })) };
    },
  );
  app.get(
    '/health',
    { schema: { summary: 'Liveness', response: { 200: object({ status: text, message: text }) } } },
    async () => ({ status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' }),
  );
  app.get(
    '/ready',
    {
      schema: {
        summary: 'Readiness: 200 once the stored connectors have started, 503 before',
        response: {
          200: object({ status: text, connectors: { type: 'integer' } }),
          503: object({ status: text, connectors: { type: 'integer' } }),
        },
      },
    },
    // the REST API listens before stored connectors have started; readiness waits for them
    async (_request, reply) => {
      const ready = options.herder.isReady();
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'starting', connectors: options.herder.connectors().length });
    },
  );
}
