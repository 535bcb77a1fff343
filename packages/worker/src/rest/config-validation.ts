import type { ConfigProblem, FieldResult } from '@sluice/sdk';
import type { CatalogEntry, FrameworkKeyDefinition, Herder } from '@sluice/runtime';
import {
  CONVERTER_CLASSES,
  HEADER_CONVERTER_CLASSES,
  clientUseOf,
  clientUsed,
  frameworkDefinitions,
  overrideDefinition,
  overrideKeyOf,
} from '@sluice/runtime';

type OwnDefinition = NonNullable<FieldResult['definition']>;

/** What validate shows as the converters' defaults (the worker's), where a plugin's definition has none. */
const WORKER_DEFAULTS: Readonly<Record<string, string>> = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'header.converter': 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
};

/** Connect's ConfigKeyInfo list for a plugin: the connector's own keys, then the framework's. */
export function pluginDefinitions(entry: CatalogEntry) {
  return [
    ...entry.connector.validator.definitions.map(definitionView),
    ...frameworkDefinitions(entry.connector).map((key) => frameworkView(key, entry, false)),
  ];
}

/**
 * Connect's ConfigInfos for a config: every framework key and every key of the connector's own
 * with its value and errors, plus one entry per other key at fault (secrets stay hidden). The
 * config is checked once, fully, by the herder: the same check a create or update runs. Keys
 * nobody declares are kept (as Connect keeps them) and listed under `warnings` (Sluice's).
 */
export function validateConfig(herder: Herder, entry: CatalogEntry, body: Record<string, string>) {
  const check = herder.validateConfig({ ...body, 'connector.class': entry.packageName });
  const framework = frameworkDefinitions(entry.connector);
  const own = new Map(check.fields.map((field) => [field.name, field]));
  const frameworkErrors = new Map<string, string[]>();
  const extra = new Map<string, FieldResult>();
  for (const problem of check.problems) addProblem(problem, { body, own, framework, frameworkErrors, extra });
  const overrides = overrideEntries(entry, body, extra);
  const configs = [
    ...framework.map((key) => ({
      definition: frameworkView(key, entry, true),
      value: frameworkValue(key, entry, body, frameworkErrors.get(key.name) ?? []),
    })),
    ...[...extra.values(), ...own.values()].map((field) => ({
      definition: field.definition ? definitionView(field.definition) : null,
      value: valueView(field),
    })),
    ...overrides,
  ];
  const groups = [...framework.map((key) => key.group), ...check.fields.map((f) => f.definition?.group ?? null)];
  return {
    name: body['connector.class'] ?? entry.packageName,
    error_count: configs.reduce((count, config) => count + config.value.errors.length, 0),
    groups: [...new Set(groups.filter((group): group is string => group !== null))],
    configs,
    ...(check.warnings.length === 0 ? {} : { warnings: check.warnings.map((w) => `${w.field}: ${w.reason}`) }),
  };
}

/**
 * One entry per client override of a client the connector uses, after its own keys, as Connect
 * lists them; their problems leave `extra`. The definitions are librdkafka's (Connect: the Java
 * client's), so types, defaults and texts differ from Connect's.
 */
function overrideEntries(entry: CatalogEntry, body: Record<string, string>, extra: Map<string, FieldResult>) {
  const use = clientUseOf(entry.connector.kind, body);
  const keys = Object.keys(body).filter((key) => {
    const override = overrideKeyOf(key);
    return override !== undefined && clientUsed(use, override.client);
  });
  return keys.map((key) => {
    const errors = extra.get(key)?.errors ?? [];
    extra.delete(key);
    const definition = overrideDefinition(key);
    return {
      definition: definition
        ? {
            name: key,
            type: definition.type,
            required: false,
            default_value: definition.defaultValue,
            importance: definition.importance,
            documentation: definition.documentation,
            group: null,
            width: 'NONE',
            display_name: definition.displayName,
            dependents: [],
            order: -1,
          }
        : null,
      value: { name: key, value: body[key] ?? null, recommended_values: [], errors, visible: true },
    };
  });
}

interface Sorting {
  readonly body: Record<string, string>;
  readonly own: Map<string, FieldResult>;
  readonly framework: readonly FrameworkKeyDefinition[];
  readonly frameworkErrors: Map<string, string[]>;
  readonly extra: Map<string, FieldResult>;
}

/** Files a problem under its key: a framework key, one of the connector's, or an entry of its own. */
function addProblem(problem: ConfigProblem, { body, own, framework, frameworkErrors, extra }: Sorting): void {
  const field = own.get(problem.field);
  if (field) {
    if (!field.errors.includes(problem.reason))
      own.set(problem.field, { ...field, errors: [...field.errors, problem.reason] });
    return;
  }
  if (framework.some((key) => key.name === problem.field)) {
    const errors = frameworkErrors.get(problem.field) ?? [];
    if (!errors.includes(problem.reason)) frameworkErrors.set(problem.field, [...errors, problem.reason]);
    return;
  }
  const known = extra.get(problem.field);
  extra.set(problem.field, {
    name: problem.field,
    value: known?.value ?? body[problem.field] ?? null,
    recommendedValues: [],
    errors: [...(known?.errors ?? []), problem.reason],
    definition: null,
  });
}

export function definitionView(definition: OwnDefinition) {
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

const isVersionKey = (name: string) => name.endsWith('plugin.version');

/**
 * A framework key's ConfigKeyInfo. As Connect: the plugin listing gives only the connector's
 * version as a default; a validation fills in the worker's converters and every plugin version.
 */
function frameworkView(key: FrameworkKeyDefinition, entry: CatalogEntry, validating: boolean) {
  const version = entry.version ?? entry.connector.version;
  const fallback = validating && isVersionKey(key.name) ? version : validating ? WORKER_DEFAULTS[key.name] : undefined;
  return {
    name: key.name,
    type: key.type,
    required: key.required,
    default_value: key.name === 'connector.plugin.version' ? version : (fallback ?? key.defaultValue),
    importance: key.importance,
    documentation: key.documentation,
    group: key.group,
    width: key.width,
    display_name: key.displayName,
    dependents: [],
    order: key.order,
  };
}

function frameworkValue(
  key: FrameworkKeyDefinition,
  entry: CatalogEntry,
  body: Record<string, string>,
  errors: string[],
) {
  const version = entry.version ?? entry.connector.version;
  const value = body[key.name] ?? (isVersionKey(key.name) ? version : (WORKER_DEFAULTS[key.name] ?? key.defaultValue));
  const converters = key.name === 'header.converter' ? HEADER_CONVERTER_CLASSES : CONVERTER_CLASSES;
  const recommended = isVersionKey(key.name) ? [version] : key.type === 'CLASS' ? [...converters] : [];
  return { name: key.name, value, recommended_values: recommended, errors, visible: true };
}

function valueView(field: FieldResult) {
  return {
    name: field.name,
    value: field.value ?? field.definition?.defaultValue ?? null,
    recommended_values: field.recommendedValues,
    errors: field.errors,
    visible: true,
  };
}
