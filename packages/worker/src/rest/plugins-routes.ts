import type { FastifyInstance } from 'fastify';
import { redact } from '@sluice/sdk';
import type { Herder } from '@sluice/runtime';
import { CONVERTER_CLASSES, HEADER_CONVERTER_CLASSES, PREDICATE_PLUGINS, TRANSFORM_PLUGINS } from '@sluice/runtime';
import { RestError } from './connect-errors.js';
import { pluginDefinitions, validateConfig } from './config-validation.js';
import { configInfos, configKeyInfo, configMap, pluginInfos } from './schemas.js';

const typeParams = { type: 'object', required: ['type'], properties: { type: { type: 'string' } } } as const;

/** Connect's /connector-plugins resources. */
export function pluginsRoutes(app: FastifyInstance, herder: Herder): void {
  app.get<{ Querystring: { connectorsOnly?: string } }>(
    '/connector-plugins',
    {
      schema: {
        summary: 'Installed connectors (connectorsOnly=false: transforms, predicates and converters too)',
        querystring: { type: 'object', properties: { connectorsOnly: { type: 'string', enum: ['true', 'false'] } } },
        response: { 200: pluginInfos },
      },
    },
    async (request) => {
      const connectors = herder.plugins().map(({ packageName, connector }) => ({
        class: packageName,
        alias: connector.name,
        type: connector.kind,
        version: connector.version,
      }));
      if (request.query.connectorsOnly !== 'false') return connectors;
      // Connect's class names (the first name each built-in answers to), as Connect lists them
      const builtins = [
        ...TRANSFORM_PLUGINS.map((plugin) => ({ class: plugin.names[0], type: 'transformation' })),
        ...PREDICATE_PLUGINS.map((plugin) => ({ class: plugin.names[0], type: 'predicate' })),
        ...CONVERTER_CLASSES.map((name) => ({ class: name, type: 'converter' })),
        ...HEADER_CONVERTER_CLASSES.map((name) => ({ class: name, type: 'header_converter' })),
      ];
      return [...connectors, ...builtins];
    },
  );

  app.get<{ Params: { type: string } }>(
    '/connector-plugins/:type/config',
    {
      schema: {
        summary: "A connector's config definition",
        params: typeParams,
        response: { 200: { type: 'array', items: configKeyInfo } },
      },
    },
    async (request) => pluginDefinitions(plugin(herder, request.params.type, `Unknown plugin ${request.params.type}.`)),
  );

  app.put<{ Params: { type: string }; Body: Record<string, unknown> }>(
    '/connector-plugins/:type/config/validate',
    {
      schema: {
        summary: 'Validates a config field by field (200 even when invalid; errors inside)',
        params: typeParams,
        body: configMap,
        response: { 200: configInfos },
      },
    },
    async (request) => {
      const entry = plugin(
        herder,
        request.params.type,
        `Failed to find any class that implements Connector and which name matches ${request.params.type}`,
      );
      const body = Object.fromEntries(Object.entries(request.body ?? {}).map(([key, value]) => [key, String(value)]));
      const stated = body['connector.class'];
      // Connect's words; it answers 500 for a missing class, a client's error here
      if (stated === undefined)
        throw new RestError(
          400,
          `Connector config ${javaMap(redact(entry.connector.config, body))} contains no connector type`,
        );
      if (herder.plugin(stated) !== entry)
        throw new RestError(
          400,
          `Included connector type ${stated} does not match request type ${request.params.type}`,
        );
      return validateConfig(herder, entry, body);
    },
  );
}

function plugin(herder: Herder, type: string, notFound: string) {
  const entry = herder.plugin(type);
  if (!entry) throw new RestError(404, notFound);
  return entry;
}

/** A config as Java prints a map, `{a=1, b=2}`, as Connect's messages show it. */
function javaMap(config: Readonly<Record<string, unknown>>): string {
  return `{${Object.entries(config)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ')}}`;
}
