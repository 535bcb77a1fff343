import { ConfigError, splitFrameworkKeys } from '@sluice/sdk';
import type { FieldResult } from '@sluice/sdk';
import type { CatalogEntry, ConnectorCatalog } from '@sluice/runtime';
import { resolveConnectorConfig } from '@sluice/runtime';
import { RestError } from './connect-errors.js';

/** Connect's ConfigInfos for a config: every field's value and errors (secrets stay hidden). */
export function validateConfig(catalog: ConnectorCatalog, entry: CatalogEntry, body: Record<string, string>) {
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
}

/**
 * Runs `change` (a create or update); a config it rejects becomes Connect's 400 listing every
 * error of the config, one per line, each naming its field.
 */
export async function withConfigErrors<T>(
  catalog: ConnectorCatalog,
  config: Record<string, string>,
  change: () => Promise<T>,
): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const entry = catalog.find(config['connector.class'] ?? '');
    const listed = entry
      ? validateConfig(catalog, entry, config).configs.flatMap(({ value }) =>
          value.errors.map((reason) => `${value.name}: ${reason}`),
        )
      : [];
    const errors = listed.length > 0 ? listed : [error.message];
    throw new RestError(
      400,
      [
        `Connector configuration is invalid and contains the following ${errors.length} error(s):`,
        ...errors,
        'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
      ].join('\n'),
    );
  }
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

export function definitionView(definition: NonNullable<FieldResult['definition']>) {
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
