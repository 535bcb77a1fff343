import type { FastifyInstance } from 'fastify';
import { ConfigError, splitFrameworkKeys } from '@sluice/sdk';
import type { FieldResult } from '@sluice/sdk';
import type { ConnectorCatalog } from '@sluice/runtime';
import { CONVERTER_CLASSES, PREDICATE_PLUGINS, TRANSFORM_PLUGINS, resolveConnectorConfig } from '@sluice/runtime';
import { RestError } from './connect-errors.js';

/** Connect's /connector-plugins resources. */
export function pluginsRoutes(app: FastifyInstance, catalog: ConnectorCatalog): void {
  app.get<{ Querystring: { connectorsOnly?: string } }>('/connector-plugins', async (request) => {
    const connectors = catalog.entries().map(({ packageName, connector }) => ({
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
    ];
    return [...connectors, ...builtins];
  });

  app.get<{ Params: { type: string } }>('/connector-plugins/:type/config', async (request) =>
    plugin(catalog, request.params.type).connector.validator.definitions.map(definitionView),
  );

  app.put<{ Params: { type: string }; Body: Record<string, unknown> }>(
    '/connector-plugins/:type/config/validate',
    async (request) => {
      const entry = plugin(catalog, request.params.type);
      const body = Object.fromEntries(Object.entries(request.body ?? {}).map(([key, value]) => [key, String(value)]));
      const stated = body['connector.class'];
      if (stated !== undefined && catalog.find(stated) !== entry) {
        throw new RestError(
          400,
          `Connector class in the body (${stated}) does not match the plugin in the URL (${request.params.type})`,
        );
      }
      const { connector: own } = splitFrameworkKeys(body);
      const fields = entry.connector.validator.validate(own).fields;
      const frameworkErrors = frameworkProblems(
        { ...body, 'connector.class': entry.packageName, name: body.name ?? 'validate' },
        catalog,
        fields,
      );
      const configs = [...frameworkErrors, ...fields].map((field) => ({
        definition: field.definition ? definitionView(field.definition) : null,
        value: valueView(field),
      }));
      const errorCount = configs.reduce((count, config) => count + config.value.errors.length, 0);
      return {
        name: entry.packageName,
        error_count: errorCount,
        groups: [...new Set(fields.map((f) => f.definition?.group ?? 'Common'))],
        configs,
      };
    },
  );
}

function plugin(catalog: ConnectorCatalog, type: string) {
  const entry = catalog.find(type);
  if (!entry)
    throw new RestError(404, `Failed to find any class that implements Connector and which name matches ${type}`);
  return entry;
}

/** A framework-key problem (converters, errors.*, transforms, ...) as one more field result. */
function frameworkProblems(
  config: Record<string, string>,
  catalog: ConnectorCatalog,
  own: FieldResult[],
): FieldResult[] {
  try {
    resolveConnectorConfig(config, catalog);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError) || own.some((field) => field.name === error.field)) return [];
    return [
      {
        name: error.field,
        value: config[error.field] ?? null,
        recommendedValues: [],
        errors: [error.reason],
        definition: null,
      },
    ];
  }
}

function definitionView(definition: NonNullable<FieldResult['definition']>) {
  return {
    name: definition.name,
    type: definition.type,
    required: definition.required,
    default_value: definition.defaultValue,
    importance: definition.importance,
    documentation: definition.documentation,
    group: definition.group,
    width: 'NONE',
    display_name: definition.name,
    dependents: [],
    order: definition.order,
  };
}

function valueView(field: FieldResult) {
  return {
    name: field.name,
    value: field.value,
    recommended_values: field.recommendedValues,
    errors: field.errors,
    visible: true,
  };
}
