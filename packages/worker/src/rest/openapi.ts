import type { FastifyInstance, RouteOptions } from 'fastify';
import { errorMessage } from './schemas.js';

declare module 'fastify/types/schema' {
  interface FastifySchema {
    /** One line for the OpenAPI document. */
    summary?: string;
  }
}

type Schema = Record<string, unknown>;
interface RouteSchema {
  summary?: string;
  params?: Schema;
  querystring?: Schema;
  body?: Schema;
  response?: Record<string, Schema>;
}

/**
 * GET /openapi.json: an OpenAPI 3.1 document built from the schemas the routes themselves
 * declare (collected as fastify registers them), so it lists exactly what the server serves.
 * Call before registering the routes to document.
 */
export function openApiRoute(app: FastifyInstance, info: { title: string; version: string }): void {
  const paths: Record<string, Record<string, unknown>> = {};
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      paths[path] = { ...paths[path], [method.toLowerCase()]: operation((route.schema ?? {}) as RouteSchema) };
    }
  });
  app.get('/openapi.json', { schema: { summary: 'This document' } }, async () => ({
    openapi: '3.1.0',
    info: {
      ...info,
      description: 'Sluice worker REST API: Kafka Connect 4.x compatible, plus health, readiness and metrics.',
    },
    paths,
  }));
}

function operation(schema: RouteSchema) {
  const parameters = [...parametersOf(schema.params, 'path'), ...parametersOf(schema.querystring, 'query')];
  const responses: Record<string, unknown> = {};
  for (const [status, body] of Object.entries(schema.response ?? { 200: {} })) {
    // a string answer is plain text (Prometheus metrics); everything else is JSON
    const media = body.type === 'string' ? 'text/plain' : 'application/json';
    responses[status] =
      body.type === 'null'
        ? { description: 'No body' }
        : { description: 'Success', content: { [media]: { schema: body } } };
  }
  responses.default = {
    description: 'Error (Kafka Connect shape)',
    content: { 'application/json': { schema: errorMessage } },
  };
  return {
    ...(schema.summary ? { summary: schema.summary } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(schema.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: schema.body } } } }
      : {}),
    responses,
  };
}

function parametersOf(schema: Schema | undefined, where: 'path' | 'query') {
  const properties = (schema?.properties ?? {}) as Record<string, Schema>;
  const required = (schema?.required ?? []) as string[];
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.includes(name),
    schema: property,
  }));
}
